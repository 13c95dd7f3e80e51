import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
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

export type ProvidersDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly workspaces: WorkspaceLookup;
  /** ARM with a customer's own application; null when this process is not connected to Microsoft. */
  readonly customerAzure: CustomerAzure | null;
  /** The secret box for client secrets at rest; asked for only when a secret is stored or read. */
  readonly secrets: () => SecretBox;
};
