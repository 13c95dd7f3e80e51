import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import type { AuditLog } from "../audit/index.ts";
import type { Tenancy } from "../tenancy/index.ts";
import type { RetryPolicy } from "./backoff.ts";

export type WebhooksDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** The secret box signing secrets are stored under; opened on first use. */
  readonly secrets: () => SecretBox;
  /** Tenancy's face, to tell an operator that an organization id names no organization. */
  readonly organizations: Pick<Tenancy["organizations"], "get">;
  /** How deliveries reach receivers; the platform's fetch unless given. */
  readonly fetch?: typeof fetch;
  /** Draws for retry jitter, in [0, 1); Math.random unless given. */
  readonly random?: () => number;
  /** How long a receiver has to answer; 10 s unless given. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Endpoints one organization may have; 5 unless given. */
  readonly maxEndpointsPerOrg?: number;
};
