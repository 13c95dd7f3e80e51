import type { AzureResources, SubscriptionAliases } from "../../integrations/arm/index.ts";
import type { TokenSource } from "../../integrations/entra/index.ts";
import type { Graph } from "../../integrations/graph/index.ts";
import type { OutgoingMail } from "../../integrations/mail/index.ts";
import type { PartnerCenter } from "../../integrations/partner-center/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db, Executor } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { AppError, Result } from "../../platform/result.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import type { AuditActor, AuditLog } from "../audit/index.ts";
import type { Caller } from "../tenancy/index.ts";

/** Our ports to Microsoft that onboarding calls (built from configuration in main). */
export type MicrosoftPorts = {
  readonly partnerCenter: PartnerCenter;
  readonly azureResources: (customerTenantId: string) => AzureResources;
  readonly subscriptionAliases: SubscriptionAliases;
  readonly tokens: Pick<TokenSource, "appToken">;
  /** Partner Cloud's multi-tenant application: its service principal in a customer's tenant gets the access. */
  readonly clientId: string;
  /** GDAP relationships a migration asks the customer to approve. */
  readonly graph: Pick<Graph, "createDelegatedAdminRelationship" | "lockForApproval" | "relationship">;
  /** The partner's own tenant: an Azure-plan subscription managed by it is already under the partner. */
  readonly partnerTenantId: string;
  /** Where a customer's administrator approves a GDAP request (the Microsoft 365 admin center). */
  readonly adminCenterUrl: string;
};

/** How a migration invites a tenant's administrator (configuration). */
export type MigrationSettings = {
  readonly invitationDays: number;
  /** Days after each sending when a reminder goes, while the invitation is open. */
  readonly reminderDays: readonly number[];
  /** The GDAP relationship asked for with the invitation; null when the partner does not use GDAP. */
  readonly gdap: { readonly roleIds: readonly string[]; readonly days: number } | null;
  /** The console's address, for the link in the mail by which an administrator declines. */
  readonly publicUrl: string;
};

/** What onboarding needs to know of a billing account (the billing-accounts module answers). */
export type BillingChecks = {
  account(billingAccountId: string): Promise<{
    id: string;
    orgId: string;
    costCenterId: string | null;
    alias: string;
    name: string;
    country: string;
  } | null>;
  checkEligibility(
    billingAccountId: string,
    actor?: AuditActor,
  ): Promise<
    Result<
      {
        eligible: boolean;
        reasons: readonly { code: string; message: string; wayForward: string }[];
      },
      AppError
    >
  >;
  /** The current terms' acceptance, with the contact who accepted and when; null when not accepted. */
  acceptance(billingAccountId: string): Promise<{
    acceptedAt: Date;
    contact: { firstName: string; lastName: string; email: string; phoneNumber: string | null };
  } | null>;
};

/** The provider's side of onboarding: its state, log and Azure ids, written in the step's transaction. */
export type ProviderLifecycle = {
  linkAzure(
    tx: Executor,
    providerId: string,
    azure: { tenantId: string; subscriptionId: string; subscriptionName: string },
  ): Promise<void>;
  /** Moves the provider (when the move is allowed) and logs why; `reason` is kept for `failed`. */
  moveTo(
    tx: Executor,
    providerId: string,
    to: "processing" | "ready" | "failed",
    p: { event: string; message: string; reason?: string | null },
  ): Promise<void>;
  /** Adds a line to the provider's log without changing its state. */
  log(tx: Executor, providerId: string, p: { event: string; message: string }): Promise<void>;
  /** Which of these providers Partner Cloud still manages (not deleted). */
  stillManaged(providerIds: readonly string[]): Promise<Set<string>>;
  /** A provider being deleted whose run ended: removed now. */
  finishDeletionIfWaiting(tx: Executor, providerId: string): Promise<void>;
};

/** The partner's allowed-services presets: which resource types a new subscription may hold. */
export type AllowedServices = {
  resolve(
    presetId: string | undefined,
  ): Promise<Result<{ presetId: string; label: string; resourceTypes: readonly string[] }, AppError>>;
};

/** Announces run transitions to the organization's webhook endpoints, in the transition's transaction. */
export type WebhookOutbox = {
  enqueue(tx: Executor, e: { orgId: string; type: string; data: Record<string, unknown> }): Promise<unknown>;
};

export type OnboardingDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly log?: Logger;
  readonly secrets: () => SecretBox;
  /** Null when this process is not connected to Microsoft: requests are refused, runs wait for a worker that is. */
  readonly microsoft: MicrosoftPorts | null;
  readonly billing: BillingChecks;
  readonly providers: () => ProviderLifecycle;
  readonly allowedServices: () => AllowedServices;
  readonly webhooks: () => WebhookOutbox | null;
  /** The mail outbox: an invitation is queued in the transaction of the step that sends it. */
  readonly mail: { enqueueMail(tx: Executor, mail: OutgoingMail): Promise<string> };
  /** Checks the caller's own password again before a secret is shown. */
  readonly reauthenticate: (caller: Caller, password: string) => Promise<boolean>;
  readonly migration: MigrationSettings;
  /** The partner's and an organization's names, for a page shown to someone outside the organization. */
  readonly names: (orgId: string) => Promise<{ partnerName: string; organizationName: string }>;
  /** Seeds the engine's jitter in tests. */
  readonly random?: () => number;
};
