import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * One run of a versioned workflow. The row is the run's whole state: which step it is on, which attempt, when it is
 * next due (`next_at`, a durable timer), who holds it (`lease_*`) and why it waits or is stuck. Workers claim due rows
 * with `FOR UPDATE SKIP LOCKED` and a lease; `lease_token` grows on every claim and fences a late writer out.
 */
export const workflowRuns = pgTable(
  "workflow_runs",
  {
    id: text("id").primaryKey(),
    workflow: text("workflow").notNull(),
    version: integer("version").notNull(),
    /** One run per key: starting again with the same key returns this run. */
    key: text("key").notNull(),
    /** What the run is about, e.g. `{ "type": "provider", "id": "prv_…" }`, so observers can find their own runs. */
    subject: jsonb("subject").$type<Record<string, string>>().notNull(),
    input: jsonb("input").$type<unknown>().notNull(),
    /** queued · running · compensating · succeeded · failed · stuck · cancelled */
    state: text("state").notNull(),
    stepIndex: integer("step_index").notNull().default(0),
    stepId: text("step_id"),
    attempt: integer("attempt").notNull().default(0),
    stepStartedAt: ts("step_started_at"),
    stepDeadlineAt: ts("step_deadline_at"),
    nextAt: ts("next_at"),
    waitingFor: text("waiting_for"),
    reason: text("reason"),
    lastError: text("last_error"),
    errorCode: text("error_code"),
    cancelReason: text("cancel_reason"),
    leaseOwner: text("lease_owner"),
    leaseUntil: ts("lease_until"),
    leaseToken: integer("lease_token").notNull().default(0),
    eventSeq: integer("event_seq").notNull().default(0),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    uniqueIndex("workflow_runs_key_idx").on(t.workflow, t.key),
    index("workflow_runs_due_idx").on(t.state, t.nextAt),
  ],
);

/** A step's saved output, written in the same transaction that marks the step done; `undone_at` after compensation. */
export const workflowSteps = pgTable(
  "workflow_steps",
  {
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id),
    stepId: text("step_id").notNull(),
    stepIndex: integer("step_index").notNull(),
    output: jsonb("output").$type<unknown>(),
    attempts: integer("attempts").notNull(),
    completedAt: ts("completed_at").notNull(),
    undoneAt: ts("undone_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

/** Every transition of a run, in order (`seq` per run), for progress, history and audit. Append-only. */
export const workflowEvents = pgTable(
  "workflow_events",
  {
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id),
    seq: integer("seq").notNull(),
    at: ts("at").notNull(),
    type: text("type").notNull(),
    state: text("state").notNull(),
    stepId: text("step_id"),
    attempt: integer("attempt"),
    reason: text("reason"),
    details: jsonb("details").$type<Record<string, unknown>>(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);

/**
 * The Azure customer of an organization: one per organization, created by its first "new Azure customer" provider
 * and shared by the later ones (each adds a subscription under its Azure plan). The row is claimed (`creating`) in
 * the transaction that starts the creating run, so two requests never create two customers. The customer's first
 * Global Administrator password is kept only under the secret box, for one "Show credentials" by whoever created
 * the first subscription; after that only a reset is possible.
 */
export const azureCustomers = pgTable(
  "azure_customers",
  {
    orgId: text("org_id").primaryKey(),
    id: text("id").notNull().unique(),
    billingAccountId: text("billing_account_id").notNull(),
    /** creating · active */
    state: text("state", { enum: ["creating", "active"] }).notNull(),
    /** The provider whose onboarding creates the customer (its run is keyed by the provider id). */
    creatingProviderId: text("creating_provider_id").notNull(),
    tenantId: text("tenant_id"),
    domain: text("domain"),
    companyName: text("company_name").notNull(),
    /** The Azure plan: the Partner Center subscription new Azure subscriptions are billed under. */
    azurePlanId: text("azure_plan_id"),
    adminUserName: text("admin_user_name"),
    adminPasswordSealed: text("admin_password_sealed"),
    /** available (sealed password kept) · shown (revealed once, erased) · unavailable (Microsoft did not give it to us) */
    credentials: text("credentials", { enum: ["available", "shown", "unavailable"] }),
    credentialsShownAt: ts("credentials_shown_at"),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  // A domain is reserved by one organization's run before its customer is created: two organizations can never
  // pick, create or adopt the same one.
  (t) => [uniqueIndex("azure_customers_domain_key").on(t.domain)],
);

/**
 * The partner's invitation to a tenant's administrator, one per migration run: to whom it went, how often it was sent
 * and reminded, when it expires, and whether the administrator declined it through the link in the mail. The link's
 * token is found by its SHA-256 (`token_hash`) and kept only sealed, for reminders to carry the same link.
 */
export const migrationInvitations = pgTable(
  "migration_invitations",
  {
    runId: text("run_id")
      .primaryKey()
      .references(() => workflowRuns.id),
    orgId: text("org_id").notNull(),
    providerId: text("provider_id").notNull(),
    toEmail: text("to_email").notNull(),
    primaryDomain: text("primary_domain").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    tokenSealed: text("token_sealed").notNull(),
    resellerLink: text("reseller_link").notNull(),
    gdapRelationshipId: text("gdap_relationship_id"),
    gdapApprovalUrl: text("gdap_approval_url"),
    /** The GDAP relationship's status as last read from Microsoft Graph. */
    gdapStatus: text("gdap_status"),
    sends: integer("sends").notNull(),
    firstSentAt: ts("first_sent_at").notNull(),
    lastSentAt: ts("last_sent_at").notNull(),
    remindersSent: integer("reminders_sent").notNull().default(0),
    nextReminderAt: ts("next_reminder_at"),
    expiresAt: ts("expires_at").notNull(),
    declinedAt: ts("declined_at"),
    declineReason: text("decline_reason"),
    acceptedAt: ts("accepted_at"),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [index("migration_invitations_reminder_idx").on(t.nextReminderAt)],
);

/** A subscription of a migrating tenant and what becomes of it: already ours, transferred, moved, or blocked. */
export const migrationSubscriptions = pgTable(
  "migration_subscriptions",
  {
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id),
    subscriptionId: text("subscription_id").notNull(),
    orgId: text("org_id").notNull(),
    providerId: text("provider_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    displayName: text("display_name").notNull(),
    quotaId: text("quota_id").notNull(),
    /** under_management · transfer · move · other_partner */
    disposition: text("disposition").notNull(),
    /** waiting · blocked · under_management · left_out */
    state: text("state").notNull(),
    otherPartners: jsonb("other_partners").$type<string[]>().notNull(),
    /** The subscription Partner Cloud manages in its place (itself once transferred; the new one after a move). */
    targetSubscriptionId: text("target_subscription_id"),
    taskId: text("task_id"),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.subscriptionId] })],
);

/**
 * Work for the partner's technical account manager that no API does: transferring a subscription's billing, or moving
 * resources into a new subscription under the partner. One per (run, subscription, kind); completed by an operator.
 */
export const technicalTasks = pgTable(
  "technical_tasks",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    providerId: text("provider_id").notNull(),
    runId: text("run_id")
      .notNull()
      .references(() => workflowRuns.id),
    tenantId: text("tenant_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    subscriptionName: text("subscription_name").notNull(),
    /** transfer_subscription · move_resources */
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    instructions: text("instructions").notNull(),
    /** open · done · cancelled */
    state: text("state").notNull(),
    completedBy: text("completed_by"),
    completedAt: ts("completed_at"),
    note: text("note"),
    targetSubscriptionId: text("target_subscription_id"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("technical_tasks_subject_key").on(t.runId, t.subscriptionId, t.kind),
    index("technical_tasks_state_idx").on(t.state, t.createdAt),
  ],
);
