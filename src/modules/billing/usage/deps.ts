import type { Graph } from "../../../integrations/graph/index.ts";
import type { PartnerCenter } from "../../../integrations/partner-center/index.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../platform/db/types.ts";
import type { Logger } from "../../../platform/log.ts";
import type { AuditLog } from "../../audit/index.ts";

export type BillingUsageDeps = {
  readonly db: Db;
  readonly clock: Clock;
  /** Records operators' imports and pulls. */
  readonly audit: AuditLog;
  readonly log?: Logger;
  /**
   * PostgreSQL lets several workers share the database, so a scheduled pull takes a lock first; PGlite is one
   * process, where a flag is enough (and a transaction held open would stall every other query).
   */
  readonly dialect: "pglite" | "postgres";
  /** Where pulls read Microsoft's usage: Graph's billing export (Microsoft's current API) or Partner Center v1. */
  readonly source: "graph" | "partner-center";
  /** Null when this process is not connected to Microsoft: files can still be imported. */
  readonly microsoft: { readonly partnerCenter: PartnerCenter; readonly graph: Graph } | null;
  /** Rows staged per transaction (default 2,000). */
  readonly batchRows?: number;
};
