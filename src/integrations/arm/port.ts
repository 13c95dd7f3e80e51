import type { AppError, Result } from "../../platform/result.ts";

/** The Azure roles Partner Cloud grants; each is a built-in role whose id is the same in every tenant. */
export type AzureRole = "Owner" | "Contributor" | "Reader" | "UserAccessAdministrator";

export type AzureSubscriptionState = "Enabled" | "Warned" | "PastDue" | "Disabled" | "Deleted";

export type AzureSubscription = {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly state: AzureSubscriptionState;
  /** How the subscription is bought, e.g. `CSP_2015-05-01`, `PayAsYouGo_2014-09-01`; null when ARM does not say. */
  readonly quotaId: string | null;
  /** Tenants that manage it besides its own: a CSP partner for an Azure-plan subscription. */
  readonly managedByTenants: readonly string[];
};

export type RoleAssignment = {
  /** The assignment's name in Azure: the GUID we chose, or Azure's when the grant existed before. */
  readonly assignmentId: string;
  readonly subscriptionId: string;
  readonly principalId: string;
  /** Null when the assignment uses a role Partner Cloud does not grant (someone else made it). */
  readonly role: AzureRole | null;
  readonly roleDefinitionId: string;
};

/** Which resource types a subscription may hold: only those listed, or all but those listed. */
export type ResourceTypeRule =
  | { readonly allowedResourceTypes: readonly string[] }
  | { readonly notAllowedResourceTypes: readonly string[] };

export type PolicyAssignmentInput = {
  readonly subscriptionId: string;
  /** The assignment's name in Azure (at most 64 characters): our idempotency key. */
  readonly name: string;
  readonly displayName: string;
} & ResourceTypeRule;

export type PolicyAssignment = {
  readonly subscriptionId: string;
  readonly name: string;
  readonly displayName: string;
  /** The resource-type rule, or null for an assignment of another policy (someone else made it). */
  readonly rule: ResourceTypeRule | null;
  readonly policyDefinitionId: string;
  readonly enforced: boolean;
};

export type ArmErrorCode =
  | "azure_not_found"
  | "azure_forbidden"
  | "azure_policy_denied"
  | "azure_assignment_conflict"
  | "azure_sign_in_failed"
  | "azure_request_rejected"
  | "azure_throttled"
  | "azure_unavailable";

/** A failure of an Azure Resource Manager call, in our words, with Microsoft's code and ids kept for support. */
export type ArmError = AppError & {
  readonly code: ArmErrorCode;
  readonly details: {
    readonly status: number | null;
    readonly microsoftCode: string | null;
    readonly correlationId: string | null;
    readonly retryAfterSeconds?: number;
    readonly policyAssignmentId?: string;
    /** Why Entra ID gave no token (its error code), when the call failed before reaching Azure. */
    readonly entraCode?: string;
  };
};

/** Our port to Azure Resource Manager in one customer tenant: subscriptions, role and policy assignments. */
export type AzureResources = {
  subscriptions(): Promise<Result<AzureSubscription[], ArmError>>;
  subscription(subscriptionId: string): Promise<Result<AzureSubscription, ArmError>>;
  /**
   * Grants `role` to `principalId` on the subscription under the name `assignmentId`. Repeating it is harmless;
   * when the same grant already exists under another name, that one is returned.
   */
  ensureRoleAssignment(input: {
    subscriptionId: string;
    assignmentId: string;
    principalId: string;
    /**
     * What the principal is. Microsoft recommends naming it for a principal created moments ago (a service
     * principal a consent just made): ARM then need not look it up in a directory that may not have it yet (C3).
     */
    principalType?: "ServicePrincipal" | "User" | "Group";
    role: AzureRole;
  }): Promise<Result<RoleAssignment, ArmError>>;
  roleAssignments(subscriptionId: string): Promise<Result<RoleAssignment[], ArmError>>;
  /** Creates or updates the named assignment of a built-in resource-type policy at the subscription. */
  ensurePolicyAssignment(input: PolicyAssignmentInput): Promise<Result<PolicyAssignment, ArmError>>;
  policyAssignments(subscriptionId: string): Promise<Result<PolicyAssignment[], ArmError>>;
  /** Removes the named assignment; removing one that is already gone succeeds. */
  deletePolicyAssignment(subscriptionId: string, name: string): Promise<Result<void, ArmError>>;
};
