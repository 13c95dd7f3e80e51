export type {
  ArmError,
  ArmErrorCode,
  AzureResources,
  AzureRole,
  AzureSubscription,
  AzureSubscriptionState,
  PolicyAssignment,
  PolicyAssignmentInput,
  ResourceTypeRule,
  RoleAssignment,
} from "./port.ts";
export { createAzureResources, type AzureResourcesDeps } from "./azure-resources.ts";
export { armErrorOf } from "./arm-errors.ts";
export { createSubscriptionAliases, type SubscriptionAliases } from "./subscription-aliases.ts";
