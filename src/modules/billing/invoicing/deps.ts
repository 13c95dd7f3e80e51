import type { AppliedRate } from "../rating/index.ts";
import type { PartnerCloud } from "../../../integrations/partner-cloud/index.ts";
import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../platform/db/types.ts";
import type { AppError, Result } from "../../../platform/result.ts";
import type { AuditLog } from "../../audit/index.ts";
import type { Decimal } from "../engine/index.ts";
import type { usageRows } from "../tables.ts";

/** Where a billing account's usage goes: its organization, cost center, partner-cloud alias and currency. */
export type BillingRoute = {
  readonly billingAccountId: string;
  readonly orgId: string;
  readonly costCenterId: string | null;
  readonly alias: string;
  readonly currency: string;
};

/** One customer's usage day routed to the billing account, rated from its current snapshot; exact, unrounded. */
export type RatedDay = {
  readonly customerId: string;
  readonly customerName: string;
  readonly usageDate: string;
  readonly snapshotId: number;
  readonly billed: boolean;
  readonly rowCount: number;
  readonly listPrice: Decimal;
  readonly partnerCost: Decimal;
  readonly customerPrice: Decimal;
  readonly customerPriceByClass: { readonly iaas: Decimal; readonly saas: Decimal };
};

export type RatedMonth = {
  readonly route: BillingRoute;
  readonly month: string;
  readonly days: readonly RatedDay[];
  /** Every customer of the month has Microsoft's billed data (usage_months final). */
  readonly final: boolean;
};

/** The fields of a usage row the detail shows. */
export type UsageRowView = Pick<
  typeof usageRows.$inferSelect,
  | "snapshotId"
  | "customerId"
  | "customerName"
  | "usageDate"
  | "entitlementId"
  | "meterName"
  | "meterCategory"
  | "resourceUri"
  | "chargeType"
  | "unit"
  | "quantity"
  | "unitPrice"
  | "pricingCurrency"
>;

export type RatedRow = {
  readonly row: UsageRowView;
  readonly listPrice: Decimal;
  readonly partnerCost: Decimal;
  readonly customerPrice: Decimal;
  readonly serviceClass: "iaas" | "saas";
  /** The rate the row was converted with, its source and its date. */
  readonly exchangeRate: AppliedRate;
};

/** What invoicing asks of billing's rating (modules/billing/rating). */
export type InvoiceRating = {
  readonly rateMonth: (input: {
    billingAccountId: string;
    month: string;
  }) => Promise<Result<RatedMonth, AppError>>;
  readonly rateSnapshots: (input: {
    billingAccountId: string;
    snapshotIds: number[];
    month: string;
  }) => AsyncIterable<RatedRow>;
  readonly billingAccountsWithUsage: (month: string) => Promise<readonly BillingRoute[]>;
};

/** The partner's own partner-cloud user that posts invoice lines (a user of the top account). */
export type BillingUser = { readonly userName: string; readonly password: string };

export type InvoicingDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly rating: InvoiceRating;
  /** The partner's billing policy (billing pricing's settings): the line label, split, and timing. */
  readonly settings: () => Promise<{
    readonly label: string;
    readonly splitServices: boolean;
    readonly timing: "estimate" | "arrears";
  }>;
  /** A connected billing account: its organization and cost center (access) and partner-cloud alias (posting). */
  readonly billingAccountOf: (id: string) => Promise<{
    readonly orgId: string;
    readonly costCenterId: string | null;
    readonly alias: string;
  } | null>;
  /** Null when this process is not connected to the partner cloud. */
  readonly partnerCloud: PartnerCloud | null;
  readonly billingUser: () => BillingUser | null;
  readonly log?: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
};
