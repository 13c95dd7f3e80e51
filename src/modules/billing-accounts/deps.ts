import type { PartnerCloud } from "../../integrations/partner-cloud/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import type { AuditLog } from "../audit/index.ts";
import type { Tenancy } from "../tenancy/index.ts";

export type BillingAccountsDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Our port to the partner cloud, or null when this process is not connected to it. */
  readonly partnerCloud: PartnerCloud | null;
  /** The product's secret box, opened on first use (only connecting an account needs it). */
  readonly secrets: () => SecretBox;
  /** Tenancy's face, to check that a cost center belongs to the organization and the caller may use it. */
  readonly costCenters: Pick<Tenancy["costCenters"], "get">;
  /** Tenancy's face, to tell an operator that an organization id names no organization. */
  readonly organizations: Pick<Tenancy["organizations"], "get">;
  /** How long a connection ticket lasts; 10 minutes unless given. */
  readonly ticketTtlMinutes?: number;
};
