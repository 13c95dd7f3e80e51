import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { Page } from "./types.ts";

/** Money and percentages travel as exact decimal strings; the console shows them as they come, never as numbers. */
export type DecimalText = string;

export type InvoiceState = "draft" | "finalized";
export type InvoiceBasis = "estimate" | "final";
export type PostState = "not_posted" | "posting" | "posted" | "failed";

export type InvoiceLine = {
  lineNo: number;
  kind: "usage" | "update_previous" | "credit";
  description: string;
  /** The month the line's usage happened in (YYYY-MM). */
  servicePeriod: string;
  serviceClass: "all" | "iaas" | "saas";
  /** The exact sum of the line's usage. */
  exact: DecimalText;
  /** `exact` rounded once to the currency's minor unit: what the invoice says. */
  amount: DecimalText;
  rowCount: number;
  /** Operators only. */
  listPrice?: DecimalText;
  partnerCost?: DecimalText;
  margin?: DecimalText;
};

export type Invoice = {
  id: string;
  /** PC-YYYYMM-NNNNNN, given at finalization. */
  number: string | null;
  orgId: string;
  billingAccountId: string;
  costCenterId: string | null;
  period: string;
  kind: "invoice" | "credit_note";
  creditsInvoiceId: string | null;
  currency: string;
  state: InvoiceState;
  basis: InvoiceBasis;
  total: DecimalText;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  finalizedAt: string | null;
  finalizedBy: string | null;
  postState: PostState;
  postedAt: string | null;
  postError: { code: string; message: string } | null;
  lines?: InvoiceLine[];
};

export type InvoiceFilter = { billingAccountId?: string; period?: string; state?: InvoiceState };

/** One customer's day on an invoice line: the usage version billed and its price. */
export type LineDay = {
  customerId: string;
  usageDate: string;
  snapshotId: number;
  customerPrice: DecimalText;
  listPrice?: DecimalText;
  partnerCost?: DecimalText;
};

/** One usage row behind an invoice line, rated again as billed. */
export type LineRow = {
  customerId: string;
  customerName: string;
  usageDate: string;
  entitlementId: string;
  meterName: string;
  meterCategory: string;
  serviceClass: "iaas" | "saas";
  resourceUri: string;
  chargeType: string;
  unit: string;
  quantity: DecimalText;
  unitPrice: DecimalText;
  pricingCurrency: string;
  exchangeRate: {
    from: string;
    to: string;
    rate: DecimalText;
    source: "microsoft" | "partner";
    date: string;
  };
  customerPrice: DecimalText;
  listPrice?: DecimalText;
  partnerCost?: DecimalText;
};

export type CustomerShare = { customerId: string; exact: DecimalText; amount: DecimalText };

export type LineDetail = {
  invoiceId: string;
  line: InvoiceLine;
  customers: CustomerShare[] | null;
  days: Page<LineDay> | null;
  rows: Page<LineRow> | null;
};

export type Plan = {
  effectiveFrom: string | null;
  markupPercent: DecimalText;
  categoryMarkups: Record<string, DecimalText>;
};

export type PricePlan = Plan & {
  id: string;
  orgId: string;
  effectiveFrom: string;
  status: "past" | "current" | "scheduled";
  createdBy: string;
  createdAt: string;
};

export type PlanInput = { markupPercent: string; categoryMarkups?: Record<string, string> };

export type PlanPreview = {
  month: string;
  currentPlan: Plan;
  proposedPlan: Plan;
  accounts: {
    billingAccountId: string;
    alias: string;
    costCenterId: string | null;
    currency: string;
    currentTotal: DecimalText;
    proposedTotal: DecimalText;
    difference: DecimalText;
  }[];
};

export type ExchangeRate = {
  from: string;
  to: string;
  month: string;
  rate: DecimalText;
  setBy: string;
  setAt: string;
};

export type RateKey = { from: string; to: string; month: string };

export type BillingTiming = "estimate" | "arrears";

export type BillingSettings = {
  label: string;
  splitServices: boolean;
  timing: BillingTiming;
  updatedBy: string | null;
  updatedAt: string | null;
};

export type SettingsInput = Pick<BillingSettings, "label" | "splitServices" | "timing">;

export type UnassignedCustomer = {
  customerId: string;
  customerName: string;
  rows: number;
  listPrice: DecimalText;
  currency: string;
  billingAccountId: string | null;
};

export type UsageAssignment = {
  customerId: string;
  billingAccountId: string;
  assignedBy: string;
  assignedAt: string;
};

export type UsageKind = "unbilled" | "billed";

export type QuarantinedRow = {
  /** The line the row starts on (the header is line 1), or a pull's row number. */
  line: number;
  code: string;
  reason: string;
};

export type UsageImport = {
  id: string;
  source: "file" | "partner_center" | "graph";
  kind: UsageKind;
  label: string;
  microsoftInvoiceId: string | null;
  /** The billing period (YYYY-MM) the rows came in; null until publishing starts. */
  billingPeriod: string | null;
  state: "staging" | "publishing" | "done" | "failed";
  rowsStaged: number;
  rowsQuarantined: number;
  /** Customer-days that got a new version. */
  snapshotsCreated: number;
  /** Customer-days whose rows were already current (or already billed). */
  snapshotsUnchanged: number;
  error: { code: string; message: string } | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
};

/** An import with its first 100 quarantined rows. */
export type UsageImportDetail = UsageImport & { quarantined: QuarantinedRow[] };

export type UploadOptions = { kind: UsageKind; microsoftInvoiceId?: string };

export type EstimateScopeKind = "billing_account" | "organization" | "cost_center" | "provider";

/** One billing currency's month to date and projected month end, at the customer's price. */
export type CurrencyEstimate = {
  currency: string;
  /** proration, run-rate or day-of-week. */
  method: string;
  daysSampled: number;
  /** The last day of the month taken as complete (0: none yet). */
  completeThrough: number;
  /** Rounded to the currency's minor unit. */
  mtd: DecimalText;
  eom: DecimalText;
  low: DecimalText;
  high: DecimalText;
  /** Month to date × days in month ÷ days elapsed, to compare. */
  prorationEom: DecimalText;
  exact: { mtd: DecimalText; eom: DecimalText };
};

export type ScopeEstimate = {
  scope: { kind: string; id: string };
  month: string;
  asOf: string;
  latencyDays: number;
  estimates: CurrencyEstimate[];
};

const enc = encodeURIComponent;
const noPage = <T>(): Page<T> => ({ items: [], nextCursor: null });
const invoice = (id: string) => `/invoices/${enc(id)}`;
const plans = (orgId: string) => `/organizations/${enc(orgId)}/price-plans`;
const rate = (k: RateKey) => `/billing/exchange-rates/${enc(k.from)}/${enc(k.to)}/${enc(k.month)}`;

/** Invoices of billing accounts and their lifecycle (finalize, credit, post: operators). */
export function invoicesApi(http: HttpClient) {
  return {
    list: (orgId: string, filter: InvoiceFilter) =>
      allPages((cursor) =>
        http.get<Page<Invoice>>(`/organizations/${enc(orgId)}/invoices`, { ...filter, limit: 200, cursor }),
      ),
    get: (id: string) => http.get<Invoice>(invoice(id)),
    /** The customer-days behind a line, a page at a time, and each customer's share (null where there is none). */
    days: (id: string, lineNo: number, cursor?: string) =>
      http
        .get<LineDetail>(`${invoice(id)}/lines/${lineNo}/detail`, { limit: 200, cursor })
        .then((d) => ({ customers: d.customers, page: d.days ?? noPage<LineDay>() })),
    /** The usage rows of one customer-day of a line, rated again. */
    dayRows: (id: string, lineNo: number, day: { customerId: string; usageDate: string }) =>
      allPages((cursor) =>
        http
          .get<LineDetail>(`${invoice(id)}/lines/${lineNo}/detail`, {
            rows: "true",
            customerId: day.customerId,
            usageDate: day.usageDate,
            limit: 200,
            cursor,
          })
          .then((d) => d.rows ?? noPage<LineRow>()),
      ),
    /** Builds (or rebuilds) the account's draft of a month from the usage as rated now. */
    draft: (billingAccountId: string, period: string) =>
      http.post<Invoice>(`/billing-accounts/${enc(billingAccountId)}/invoices/${enc(period)}/draft`),
    finalize: (id: string) => http.post<Invoice>(`${invoice(id)}/finalize`),
    creditNote: (id: string, reason: string) => http.post<Invoice>(`${invoice(id)}/credit-notes`, { reason }),
    post: (id: string) => http.post<Invoice>(`${invoice(id)}/post`),
  };
}

/** Organizations' price plans, and the partner's exchange rates, billing policy and usage routing (operators). */
export function pricingApi(http: HttpClient) {
  return {
    plans: (orgId: string) => http.get<{ items: PricePlan[] }>(plans(orgId)).then((r) => r.items),
    createPlan: (orgId: string, input: PlanInput & { effectiveFrom: string }) =>
      http.post<PricePlan>(plans(orgId), input),
    preview: (orgId: string, input: PlanInput & { month?: string }) =>
      http.post<PlanPreview>(`${plans(orgId)}/preview`, input),
    exchangeRates: () => http.get<{ items: ExchangeRate[] }>("/billing/exchange-rates").then((r) => r.items),
    setExchangeRate: (key: RateKey, value: string) => http.put<ExchangeRate>(rate(key), { rate: value }),
    deleteExchangeRate: (key: RateKey) => http.delete<null>(rate(key)),
    settings: () => http.get<BillingSettings>("/billing/settings"),
    updateSettings: (input: SettingsInput) => http.put<BillingSettings>("/billing/settings", input),
    unassignedUsage: (month: string) =>
      http.get<{ month: string; items: UnassignedCustomer[] }>("/billing/unassigned-usage", { month }),
    assignUsage: (customerId: string, billingAccountId: string) =>
      http.put<UsageAssignment>(`/billing/usage-assignments/${enc(customerId)}`, { billingAccountId }),
  };
}

/** Operators: Microsoft's daily rated usage in, from files and pulls. */
export function usageApi(http: HttpClient) {
  return {
    imports: (cursor?: string) =>
      http.get<Page<UsageImport>>("/billing/usage-imports", { limit: 50, cursor }),
    get: (importId: string) => http.get<UsageImportDetail>(`/billing/usage-imports/${enc(importId)}`),
    /** Sends a daily rated usage CSV as it is; the server imports it and answers with the import. */
    upload: (file: Blob, options: UploadOptions) =>
      http.upload<UsageImportDetail>("/billing/usage-imports", file, "text/csv", options),
    pullUnbilled: (period: "current" | "previous") =>
      http.post<UsageImportDetail>("/billing/usage-pulls", { period }),
  };
}

/** Month to date and the projected month end of a billing account, organization, cost center or provider. */
export function estimatesApi(http: HttpClient) {
  return {
    of: (scope: EstimateScopeKind, id: string) => http.get<ScopeEstimate>("/estimates", { scope, id }),
  };
}
