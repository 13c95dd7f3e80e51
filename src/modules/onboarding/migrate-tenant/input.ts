import { z } from "zod";

/** A migration run's input: everything decided when the request was accepted. */
export const MigrateTenantInput = z.object({
  providerId: z.string(),
  providerName: z.string(),
  orgId: z.string(),
  costCenterId: z.string(),
  workspaceId: z.string(),
  billingAccountId: z.string(),
  requestedBy: z.string(),
  allowedServices: z.string(),
  /** Who receives the partner's request: the tenant's Global Administrator. */
  adminEmail: z.string(),
  /** The tenant's primary domain, by which its acceptance is recognised in Partner Center. */
  primaryDomain: z.string(),
});
export type MigrateTenantRunInput = z.infer<typeof MigrateTenantInput>;
