import type { AzureResources, AzureRole } from "../../integrations/arm/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { AuditLog } from "../audit/index.ts";

/**
 * A subscription Partner Cloud manages for a provider: the access it granted itself (a role assignment whose name
 * it chose) and the allowed-services policy it applied (a policy assignment whose name it chose).
 */
export type ManagedSubscription = {
  readonly providerId: string;
  readonly orgId: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly access: {
    readonly principalId: string;
    readonly role: AzureRole;
    readonly assignmentName: string;
  };
  readonly policy: { readonly assignmentName: string; readonly presetId: string };
};

export type GovernanceDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly log?: Logger;
  /** The subscriptions under management, as onboarding knows them. */
  readonly managedSubscriptions: () => Promise<ManagedSubscription[]>;
  /** ARM in a customer's tenant as Partner Cloud's application; null when this process is not connected to Microsoft. */
  readonly azureResources: ((tenantId: string) => AzureResources) | null;
};
