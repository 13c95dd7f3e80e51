import type { Clock } from "../../platform/clock.ts";
import type { Db, Executor } from "../../platform/db/types.ts";
import type { AppError, Result } from "../../platform/result.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import type { AuditLog } from "../audit/index.ts";
import type { Caller } from "../tenancy/index.ts";
import type { CustomerAzure } from "./existing-account.ts";

/** What providers need from tenancy: the workspace a provider is created in, as the caller may see it. */
export type WorkspaceLookup = {
  get(
    caller: Caller,
    id: string,
  ): Promise<Result<{ id: string; orgId: string; costCenterId: string }, AppError>>;
};

/** An optimized option's request checks and run start (options 2 and 3), which the onboarding module provides. */
export type OnboardingStarter = {
  prepare(
    caller: Caller,
    scope: { orgId: string; costCenterId: string; workspaceId: string },
    req: {
      billingAccountId: string;
      allowedServices?: string | undefined;
      customer?: unknown;
      adminEmail?: unknown;
      primaryDomain?: unknown;
    },
  ): Promise<Result<PreparedRequest, AppError>>;
  start(
    tx: Executor,
    p: {
      caller: Caller;
      scope: { orgId: string; costCenterId: string; workspaceId: string };
      providerId: string;
      providerName: string;
      prepared: PreparedRequest;
    },
  ): Promise<{ runId: string }>;
  /**
   * A deleted provider's run: "finished" when it has ended, else it is cancelled and the provider is removed once
   * the cancellation is through (`finishDeletionIfWaiting`).
   */
  stopForDeletion(runId: string, caller: Caller): Promise<"finished" | "cancelling">;
};
/** What `prepare` checked, handed back to `start` unchanged. */
export type PreparedRequest = { readonly billingAccountId: string } & Record<string, unknown>;

export type ProvidersDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly workspaces: WorkspaceLookup;
  /** ARM with a customer's own application; null when this process is not connected to Microsoft. */
  readonly customerAzure: CustomerAzure | null;
  /** The secret box for client secrets at rest; asked for only when a secret is stored or read. */
  readonly secrets: () => SecretBox;
  /** Option 3 ("new-customer"); null until onboarding is wired (tests of option 1 alone). */
  readonly newCustomer?: () => OnboardingStarter | null;
  /** Option 2 ("migrate-tenant"), likewise. */
  readonly migrateTenant?: () => OnboardingStarter | null;
};
