import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/*
 * Money columns are decimal strings exactly as written or computed (`text`): never a float, never rounded except
 * the invoice lines' `amount`. Days are `YYYY-MM-DD` and months `YYYY-MM` (UTC), as text, so they sort and compare.
 */

/**
 * One reading of Microsoft's daily rated usage: a file imported by hand, or a pull of unbilled or billed usage from
 * Partner Center (v1 paged API) or Graph's billing export. An import stages its rows batch by batch, remembering in
 * the same transaction how far it got (`committed_line`, `committed_offset`), so a crash resumes where the last
 * batch ended; then it publishes them as snapshots. `key` names what was read (a file's SHA-256, a pull's period
 * and time): importing the same file again finds the same import.
 */
export const usageImports = pgTable(
  "usage_imports",
  {
    id: text("id").primaryKey(),
    /** file · partner_center · graph */
    source: text("source", { enum: ["file", "partner_center", "graph"] }).notNull(),
    /** unbilled (provisional) · billed (Microsoft's invoice exists: final) */
    kind: text("kind", { enum: ["unbilled", "billed"] }).notNull(),
    key: text("key").notNull(),
    /** A file's name, or the period or invoice pulled, for people. */
    label: text("label").notNull(),
    /** Microsoft's invoice the billed rows are on. */
    microsoftInvoiceId: text("microsoft_invoice_id"),
    /**
     * The billing period (YYYY-MM) whose usage this download holds: at least the month an unbilled pull asked for,
     * and at least the latest usage month among its rows (latent rows of earlier days come with a later period's
     * download). Set when publishing starts.
     */
    billingPeriod: text("billing_period"),
    /** staging · publishing · done · failed */
    state: text("state", { enum: ["staging", "publishing", "done", "failed"] }).notNull(),
    committedLine: bigint("committed_line", { mode: "number" }).notNull().default(0),
    committedOffset: bigint("committed_offset", { mode: "number" }).notNull().default(0),
    rowsStaged: bigint("rows_staged", { mode: "number" }).notNull().default(0),
    rowsQuarantined: bigint("rows_quarantined", { mode: "number" }).notNull().default(0),
    snapshotsCreated: integer("snapshots_created").notNull().default(0),
    snapshotsUnchanged: integer("snapshots_unchanged").notNull().default(0),
    /** Why the import stopped (a code and message), when it failed. */
    error: jsonb("error").$type<{ code: string; message: string }>(),
    startedBy: text("started_by").notNull(),
    startedAt: ts("started_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    finishedAt: ts("finished_at"),
  },
  (t) => [
    uniqueIndex("usage_imports_key").on(t.source, t.kind, t.key),
    index("usage_imports_started_idx").on(t.startedAt),
  ],
);

/**
 * The fields of one daily rated usage row that billing keeps: the natural key's parts, what rating needs, and what
 * a person reading the detail wants to see. Shared by staged and published rows.
 */
const usageRowColumns = {
  customerId: text("customer_id").notNull(),
  customerName: text("customer_name").notNull(),
  usageDate: text("usage_date").notNull(),
  /** The Azure subscription (EntitlementId). */
  entitlementId: text("entitlement_id").notNull(),
  /** The Azure plan (SubscriptionId in the file). */
  subscriptionId: text("subscription_id").notNull(),
  meterId: text("meter_id").notNull(),
  meterName: text("meter_name").notNull(),
  meterCategory: text("meter_category").notNull(),
  resourceUri: text("resource_uri").notNull(),
  resourceLocation: text("resource_location").notNull(),
  chargeType: text("charge_type").notNull(),
  unit: text("unit").notNull(),
  quantity: text("quantity").notNull(),
  unitPrice: text("unit_price").notNull(),
  effectiveUnitPrice: text("effective_unit_price").notNull(),
  pricingCurrency: text("pricing_currency").notNull(),
  billingCurrency: text("billing_currency").notNull(),
  pcToBCExchangeRate: text("pc_to_bc_exchange_rate").notNull(),
  pcToBCExchangeRateDate: text("pc_to_bc_exchange_rate_date").notNull(),
  partnerEarnedCreditRate: text("partner_earned_credit_rate").notNull(),
};

/**
 * Rows of an import as read, one per source line (or per row of a pull, numbered from 1), before publishing. A
 * batch is written with the import's progress in one transaction; writing a line twice adds nothing.
 * `natural_key` is the SHA-256 of (CustomerId, EntitlementId, MeterId, ProductId/SkuId/AvailabilityId, ResourceUri,
 * UsageDate, ChargeType, unit price): the row's identity across downloads.
 */
export const usageImportRows = pgTable(
  "usage_import_rows",
  {
    importId: text("import_id").notNull(),
    line: bigint("line", { mode: "number" }).notNull(),
    naturalKey: text("natural_key").notNull(),
    ...usageRowColumns,
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.line] }),
    index("usage_import_rows_day_idx").on(t.importId, t.customerId, t.usageDate),
  ],
);

/** Rows an import set aside, with the line they start on and why. Nothing else of them is used. */
export const usageQuarantine = pgTable(
  "usage_quarantine",
  {
    importId: text("import_id").notNull(),
    line: bigint("line", { mode: "number" }).notNull(),
    code: text("code").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);

/** What a snapshot holds of one billing period's download: its rows' hash, whether they are billed, how many. */
export type SnapshotPeriod = { hash: string; billed: boolean; rows: number };

/**
 * One version of one customer's usage on one day. A day's rows can come in the downloads of several billing periods
 * (Microsoft bills latent usage of an earlier day in a later period), so a version is the union over periods of
 * each period's latest download (`periods`). An import of period P that brings a (customer, day) whose rows of P
 * differ adds version n+1 with them replacing the rows of P and the other periods' rows kept; the same rows again
 * add nothing. The current version is the highest. Once a period's rows of a day are billed, unbilled readings of
 * that period are ignored: Microsoft's invoice is final. `billed`: every period's rows are. Old versions are kept:
 * an invoice records which versions it billed.
 */
export const usageSnapshots = pgTable(
  "usage_snapshots",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    customerId: text("customer_id").notNull(),
    usageDate: text("usage_date").notNull(),
    /** YYYY-MM of usage_date, for month queries. */
    month: text("month").notNull(),
    version: integer("version").notNull(),
    importId: text("import_id").notNull(),
    billed: boolean("billed").notNull(),
    rowCount: integer("row_count").notNull(),
    periods: jsonb("periods").$type<Record<string, SnapshotPeriod>>().notNull().default({}),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("usage_snapshots_version_key").on(t.customerId, t.usageDate, t.version),
    uniqueIndex("usage_snapshots_import_key").on(t.importId, t.customerId, t.usageDate),
    index("usage_snapshots_month_idx").on(t.month, t.customerId),
  ],
);

/**
 * The rows of a snapshot, each with the billing period whose download brought it, deduplicated on the natural key
 * within a period (the last row read wins).
 */
export const usageRows = pgTable(
  "usage_rows",
  {
    snapshotId: bigint("snapshot_id", { mode: "number" }).notNull(),
    billingPeriod: text("billing_period").notNull(),
    naturalKey: text("natural_key").notNull(),
    ...usageRowColumns,
  },
  (t) => [primaryKey({ columns: [t.snapshotId, t.billingPeriod, t.naturalKey] })],
);

/**
 * A customer's month: `provisional` while only unbilled data is in, `final` once billed data (Microsoft's invoice)
 * covers it.
 */
export const usageMonths = pgTable(
  "usage_months",
  {
    customerId: text("customer_id").notNull(),
    month: text("month").notNull(),
    state: text("state", { enum: ["provisional", "final"] }).notNull(),
    finalImportId: text("final_import_id"),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.customerId, t.month] })],
);

/**
 * Customers whose usage goes to a billing account that onboarding did not record (an imported file's customers,
 * a customer onboarded elsewhere): set by an operator. Onboarded providers route their own usage without a row here.
 */
export const usageAssignments = pgTable("usage_assignments", {
  customerId: text("customer_id").primaryKey(),
  billingAccountId: text("billing_account_id").notNull(),
  assignedBy: text("assigned_by").notNull(),
  assignedAt: ts("assigned_at").notNull(),
});

/**
 * An organization's price plan from a month on: a markup (positive) or discount (negative) in percent on Microsoft's
 * list price, and per meter category if wanted. The plan of month M is the one with the latest `effective_from` ≤ M;
 * a new plan may only start in a month not yet invoiced, so a change never reprices a billed period.
 */
export const pricePlans = pgTable(
  "price_plans",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    effectiveFrom: text("effective_from").notNull(),
    markupPercent: text("markup_percent").notNull(),
    categoryMarkups: jsonb("category_markups").$type<Record<string, string>>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [uniqueIndex("price_plans_effective_key").on(t.orgId, t.effectiveFrom)],
);

/**
 * The partner's own exchange rate for a month, used instead of Microsoft's PCToBCExchangeRate (and where the billing
 * account's currency is not the row's billing currency).
 */
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    fromCurrency: text("from_currency").notNull(),
    toCurrency: text("to_currency").notNull(),
    month: text("month").notNull(),
    rate: text("rate").notNull(),
    setBy: text("set_by").notNull(),
    setAt: ts("set_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromCurrency, t.toCurrency, t.month] })],
);

/**
 * The partner's billing policy, at most one row (defaults without it): the invoice line's label, whether to split
 * IaaS and SaaS, and the timing: `estimate` bills each month at its end from the data so far and reconciles on the
 * next invoice; `arrears` bills a month once Microsoft's billed data makes it final.
 */
export const billingSettings = pgTable("billing_settings", {
  singleton: boolean("singleton").primaryKey().default(true),
  label: text("label").notNull(),
  splitServices: boolean("split_services").notNull(),
  timing: text("timing", { enum: ["estimate", "arrears"] }).notNull(),
  updatedBy: text("updated_by").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

/**
 * An invoice of one billing account for one month, or a credit note against one. `draft` is recomputed from the
 * usage at will; `finalized` never changes again (a trigger-free rule the service keeps: finalized rows are only read).
 * Posting sends the finalized lines to the partner cloud's invoice of that account and month.
 */
export const invoices = pgTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    /** A number for people, given at finalization: PC-YYYYMM-NNNNNN. */
    number: text("number"),
    orgId: text("org_id").notNull(),
    billingAccountId: text("billing_account_id").notNull(),
    costCenterId: text("cost_center_id"),
    /** YYYY-MM */
    period: text("period").notNull(),
    kind: text("kind", { enum: ["invoice", "credit_note"] }).notNull(),
    /** The invoice a credit note corrects. */
    creditsInvoiceId: text("credits_invoice_id"),
    currency: text("currency").notNull(),
    state: text("state", { enum: ["draft", "finalized"] }).notNull(),
    /** Whether Microsoft's data was final for every customer of the month when it was finalized. */
    basis: text("basis", { enum: ["estimate", "final"] }).notNull(),
    /** The sum of the lines' amounts (each already rounded). */
    total: text("total").notNull(),
    reason: text("reason"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    finalizedAt: ts("finalized_at"),
    finalizedBy: text("finalized_by"),
    /** not_posted · posting · posted · failed */
    postState: text("post_state", { enum: ["not_posted", "posting", "posted", "failed"] }).notNull(),
    postedAt: ts("posted_at"),
    postError: jsonb("post_error").$type<{ code: string; message: string }>(),
  },
  (t) => [
    uniqueIndex("invoices_account_period_key")
      .on(t.billingAccountId, t.period)
      .where(sql`kind = 'invoice'`),
    index("invoices_org_idx").on(t.orgId, t.period),
    uniqueIndex("invoices_number_key").on(t.number),
  ],
);

/**
 * The lines of an invoice. `usage` lines bill the month; `update_previous` lines ("Update to Previous Month …")
 * bill what changed in an earlier, finalized month; `credit` lines are a credit note's. `amount` is `exact` rounded
 * once to the currency's minor unit.
 */
export const invoiceLines = pgTable(
  "invoice_lines",
  {
    invoiceId: text("invoice_id").notNull(),
    lineNo: integer("line_no").notNull(),
    kind: text("kind", { enum: ["usage", "update_previous", "credit"] }).notNull(),
    description: text("description").notNull(),
    /** The month the line's usage happened in. */
    servicePeriod: text("service_period").notNull(),
    serviceClass: text("service_class", { enum: ["all", "iaas", "saas"] }).notNull(),
    exact: text("exact").notNull(),
    amount: text("amount").notNull(),
    /** Operators only: Microsoft's list price and the partner's cost of the same usage, in the invoice currency. */
    listPrice: text("list_price").notNull(),
    partnerCost: text("partner_cost").notNull(),
    rowCount: integer("row_count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.lineNo] })],
);

/**
 * Which usage an invoice billed: per customer and day, the snapshot version and its exact customer price. The detail
 * of a line reads its rows from here; a later version of a billed day becomes an "Update to Previous Month" line.
 */
export const invoiceUsage = pgTable(
  "invoice_usage",
  {
    invoiceId: text("invoice_id").notNull(),
    customerId: text("customer_id").notNull(),
    usageDate: text("usage_date").notNull(),
    snapshotId: bigint("snapshot_id", { mode: "number" }).notNull(),
    customerPrice: text("customer_price").notNull(),
    listPrice: text("list_price").notNull(),
    partnerCost: text("partner_cost").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.invoiceId, t.customerId, t.usageDate] }),
    index("invoice_usage_day_idx").on(t.customerId, t.usageDate),
  ],
);
