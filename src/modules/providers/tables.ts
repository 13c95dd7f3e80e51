import { sql } from "drizzle-orm";
import { bigserial, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";
import { providerStates } from "./states.ts";

/**
 * Providers: a cloud account a workspace manages. Today only `microsoft-azure`, with one of three options.
 * A deleted provider keeps its row (with `removedAt` set and its secret erased) so its log stays readable.
 */
export const providers = pgTable(
  "providers",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    costCenterId: text("cost_center_id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind", { enum: ["microsoft-azure"] }).notNull(),
    option: text("option", { enum: ["existing-account", "migrate-tenant", "new-customer"] }).notNull(),
    state: text("state", { enum: providerStates }).notNull(),
    /** Why the provider is `failed` or `unavailable`, in words the user can act on; null otherwise. */
    failureReason: text("failure_reason"),
    /** The partner-cloud account that pays (options 2 and 3); null for option 1, which Microsoft bills. */
    billingAccountId: text("billing_account_id"),
    /** The tenant as the user entered it (GUID or domain), option 1 only. */
    tenantInput: text("tenant_input"),
    azureTenantId: text("azure_tenant_id"),
    azureSubscriptionId: text("azure_subscription_id"),
    azureSubscriptionName: text("azure_subscription_name"),
    clientId: text("client_id"),
    /** The customer's client secret under the SecretBox (`v1.<key>.…`); never returned or logged. */
    clientSecretEncrypted: text("client_secret_encrypted"),
    onboardingRunId: text("onboarding_run_id"),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    lastSyncedAt: ts("last_synced_at"),
    removedAt: ts("removed_at"),
  },
  (t) => [
    index("providers_workspace_idx").on(t.workspaceId, t.id),
    index("providers_org_idx").on(t.orgId, t.id),
    uniqueIndex("providers_name_key")
      .on(t.workspaceId, sql`lower(${t.name})`)
      .where(sql`removed_at IS NULL`),
  ],
);

/** The provider's log: every state change and sync result, newest first by `seq`. */
export const providerEvents = pgTable(
  "provider_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    providerId: text("provider_id").notNull(),
    orgId: text("org_id").notNull(),
    at: ts("at").notNull(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    event: text("event").notNull(),
    fromState: text("from_state"),
    toState: text("to_state"),
    message: text("message").notNull(),
  },
  (t) => [index("provider_events_provider_idx").on(t.providerId, t.seq)],
);

/** Requests to turn an Azure customer account off, for the support desk: deleting a provider does not do it. */
export const shutdownRequests = pgTable(
  "shutdown_requests",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id").notNull(),
    orgId: text("org_id").notNull(),
    workspaceId: text("workspace_id").notNull(),
    requestedBy: text("requested_by"),
    requesterEmail: text("requester_email"),
    requesterName: text("requester_name"),
    reason: text("reason").notNull(),
    status: text("status", { enum: ["open"] }).notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [index("shutdown_requests_status_idx").on(t.status, t.id)],
);
