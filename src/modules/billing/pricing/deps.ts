import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../platform/db/types.ts";
import type { AuditLog } from "../../audit/index.ts";
import type { BillingRating } from "../rating/index.ts";

export type BillingPricingDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Rating's face: a preview rates a month under the current and the proposed plan. */
  readonly rating: Pick<BillingRating, "rateMonth" | "billingAccountsWithUsage" | "planOf">;
  /** Tenancy's face, to tell an operator that an organization id names no organization. */
  readonly organizations: { nameOf(id: string): Promise<string | null> };
};
