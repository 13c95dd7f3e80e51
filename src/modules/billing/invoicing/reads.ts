import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from "drizzle-orm";
import { encodeCursor, pageOf, type Page, type PageOf } from "../../../platform/pagination.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Principal } from "../../tenancy/index.ts";
import {
  add,
  allocate,
  formatDecimal,
  negate,
  normalize,
  sign,
  subtract,
  ZERO,
  type Decimal,
} from "../engine/index.ts";
import { invoices, invoiceUsage } from "../tables.ts";
import { requireList, requireRead } from "./access.ts";
import { BillingRatingFailure, type AppliedRate } from "../rating/index.ts";
import type { InvoicingDeps } from "./deps.ts";
import { invoicingErrors, type InvoicingError } from "./errors.ts";
import { sequenceOf } from "./lifecycle.ts";
import {
  billedRecords,
  invoiceById,
  latestPerDay,
  linesOf,
  money,
  readMoney,
  type InvoiceRow,
  type LineRow,
} from "./store.ts";

export type InvoiceLineView = {
  lineNo: number;
  kind: LineRow["kind"];
  description: string;
  servicePeriod: string;
  serviceClass: LineRow["serviceClass"];
  exact: string;
  amount: string;
  rowCount: number;
  /** Operators only. */
  listPrice?: string;
  partnerCost?: string;
  margin?: string;
};

export type InvoiceView = Omit<InvoiceRow, "finalizedBy"> & {
  finalizedBy: string | null;
  lines?: InvoiceLineView[];
};

export type LineDetailDay = {
  customerId: string;
  usageDate: string;
  snapshotId: number;
  customerPrice: string;
  listPrice?: string;
  partnerCost?: string;
};

export type LineDetailRow = {
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
  quantity: string;
  unitPrice: string;
  pricingCurrency: string;
  exchangeRate: AppliedRate;
  customerPrice: string;
  listPrice?: string;
  partnerCost?: string;
};

/** A customer's share of a line: its exact amount, and its whole minor units (the shares add up to the line). */
export type CustomerShare = { customerId: string; exact: string; amount: string };

export type LineDetail = {
  invoiceId: string;
  line: InvoiceLineView;
  /**
   * Each customer's share of a line billing the whole service (not one of a split's classes), with the days: its
   * exact amount (on an update line, what its days changed by since they were billed), and the line's amount
   * allocated in proportion to those, so the shares add up to the line to the minor unit. Null where the customers'
   * amounts differ in sign, so there are no proportions.
   */
  customers: CustomerShare[] | null;
  days: PageOf<LineDetailDay> | null;
  rows: PageOf<LineDetailRow> | null;
};

/** Narrows a line's detail to one customer, one day, or one customer-day. */
export type LineDetailFilter = { customerId?: string; usageDate?: string };

/** How a line's detail is read: customer-days or usage rows, a page, and which of them. */
export type LineDetailQuery = { rows: boolean; page: Page; filter?: LineDetailFilter };

export type InvoiceFilter = {
  billingAccountId?: string;
  period?: string;
  state?: "draft" | "finalized";
};

export const lineView = (l: LineRow, operator: boolean): InvoiceLineView => ({
  lineNo: l.lineNo,
  kind: l.kind,
  description: l.description,
  servicePeriod: l.servicePeriod,
  serviceClass: l.serviceClass,
  exact: l.exact,
  amount: l.amount,
  rowCount: l.rowCount,
  ...(operator
    ? {
        listPrice: l.listPrice,
        partnerCost: l.partnerCost,
        margin: money(subtract(readMoney(l.exact), readMoney(l.partnerCost))),
      }
    : {}),
});

export const invoiceView = (row: InvoiceRow, lines?: readonly LineRow[], operator = false): InvoiceView => ({
  ...row,
  ...(lines ? { lines: lines.map((l) => lineView(l, operator)) } : {}),
});

/** Reads of invoices, their lines and the usage behind a line, as the access rules allow. */
export function createReads(deps: InvoicingDeps) {
  async function list(
    p: Principal,
    orgId: string,
    filter: InvoiceFilter,
    page: Page,
  ): Promise<Result<PageOf<InvoiceView>, InvoicingError>> {
    const allowed = requireList(p, orgId);
    if (!allowed.ok) return allowed;
    const where: SQL[] = [eq(invoices.orgId, orgId)];
    if (!p.isOperator && p.orgRole !== "admin")
      where.push(inArray(invoices.costCenterId, [...p.costCenterAdminOf]));
    if (filter.billingAccountId) where.push(eq(invoices.billingAccountId, filter.billingAccountId));
    if (filter.period) where.push(eq(invoices.period, filter.period));
    if (filter.state) where.push(eq(invoices.state, filter.state));
    if (page.after) where.push(lt(invoices.id, page.after));
    const rows = await deps.db
      .select()
      .from(invoices)
      .where(and(...where))
      .orderBy(desc(invoices.id))
      .limit(page.limit + 1);
    const cut = pageOf(rows, page.limit, (r) => r.id);
    return ok({ items: cut.items.map((r) => invoiceView(r)), nextCursor: cut.nextCursor });
  }

  async function readable(p: Principal, invoiceId: string): Promise<Result<InvoiceRow, InvoicingError>> {
    const inv = await invoiceById(deps.db, invoiceId);
    if (!inv) return err(invoicingErrors.notFound("invoice", invoiceId));
    const allowed = requireRead(p, inv);
    return allowed.ok ? ok(inv) : allowed;
  }

  async function get(p: Principal, invoiceId: string): Promise<Result<InvoiceView, InvoicingError>> {
    const inv = await readable(p, invoiceId);
    if (!inv.ok) return inv;
    return ok(invoiceView(inv.value, await linesOf(deps.db, invoiceId), p.isOperator));
  }

  /**
   * The customer-days behind a line (paged), or with `rows` their usage rows rated again (paged), of one customer
   * or day if `filter` says so: only those days' rows are rated. A credit note's line shows the usage of the line it
   * takes back.
   */
  async function lineDetail(
    p: Principal,
    invoiceId: string,
    lineNo: number,
    opts: LineDetailQuery,
  ): Promise<Result<LineDetail, AppError>> {
    const inv = await readable(p, invoiceId);
    if (!inv.ok) return inv;
    const line = (await linesOf(deps.db, invoiceId)).find((l) => l.lineNo === lineNo);
    if (!line) return err(invoicingErrors.notFound("invoice line", `${invoiceId}/${lineNo}`));
    const source =
      inv.value.kind === "credit_note" && inv.value.creditsInvoiceId
        ? await invoiceById(deps.db, inv.value.creditsInvoiceId)
        : inv.value;
    if (!source) return err(invoicingErrors.notFound("invoice", inv.value.creditsInvoiceId ?? invoiceId));
    const operator = p.isOperator;
    const inPeriod = and(
      eq(invoiceUsage.invoiceId, source.id),
      gt(invoiceUsage.usageDate, `${line.servicePeriod}-00`),
      lt(invoiceUsage.usageDate, `${line.servicePeriod}-32`),
    );
    const chosen = and(
      inPeriod,
      opts.filter?.customerId ? eq(invoiceUsage.customerId, opts.filter.customerId) : undefined,
      opts.filter?.usageDate ? eq(invoiceUsage.usageDate, opts.filter.usageDate) : undefined,
    );
    if (!opts.rows) {
      const [afterDate = "", afterCustomer = ""] = (opts.page.after ?? "").split("|");
      const rows = await deps.db
        .select()
        .from(invoiceUsage)
        .where(
          opts.page.after
            ? and(
                chosen,
                or(
                  gt(invoiceUsage.usageDate, afterDate),
                  and(eq(invoiceUsage.usageDate, afterDate), gt(invoiceUsage.customerId, afterCustomer)),
                ),
              )
            : chosen,
        )
        .orderBy(asc(invoiceUsage.usageDate), asc(invoiceUsage.customerId))
        .limit(opts.page.limit + 1);
      const cut = pageOf(rows, opts.page.limit, (r) => `${r.usageDate}|${r.customerId}`);
      return ok({
        invoiceId,
        line: lineView(line, operator),
        customers: await customerShares(inv.value, source, line, inPeriod),
        days: {
          items: cut.items.map((r) => ({
            customerId: r.customerId,
            usageDate: r.usageDate,
            snapshotId: r.snapshotId,
            customerPrice: r.customerPrice,
            ...(operator ? { listPrice: r.listPrice, partnerCost: r.partnerCost } : {}),
          })),
          nextCursor: cut.nextCursor,
        },
        rows: null,
      });
    }
    try {
      return ok(await ratedRows(inv.value, line, chosen, opts.page, operator));
    } catch (e) {
      if (e instanceof BillingRatingFailure) return err(e.error);
      throw e;
    }
  }

  async function customerShares(
    inv: InvoiceRow,
    source: InvoiceRow,
    line: LineRow,
    inPeriod: SQL | undefined,
  ) {
    if (line.serviceClass !== "all") return null;
    const usage = await deps.db
      .select({
        customerId: invoiceUsage.customerId,
        usageDate: invoiceUsage.usageDate,
        customerPrice: invoiceUsage.customerPrice,
      })
      .from(invoiceUsage)
      .where(inPeriod);
    // What the account's documents finalized before the source had billed for each day: nothing for the source's
    // own month; for an earlier month, the amount its update line changed.
    const sequence = source.number ? sequenceOf(source.number) : Number.POSITIVE_INFINITY;
    const before = latestPerDay(
      (await billedRecords(deps.db, source.billingAccountId, [line.servicePeriod])).filter(
        (r) => r.sequence < sequence,
      ),
    );
    const byCustomer = new Map<string, Decimal>();
    for (const u of usage) {
      const billed = before.get(`${u.customerId}|${u.usageDate}`);
      const change = subtract(readMoney(u.customerPrice), billed ? readMoney(billed.customerPrice) : ZERO);
      byCustomer.set(u.customerId, add(byCustomer.get(u.customerId) ?? ZERO, change));
    }
    const customers = [...byCustomer].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const amount = readMoney(line.amount);
    // Proportions need amounts of one sign: when one customer's month nets against another's, there are no shares.
    const signs = new Set(customers.map(([, exact]) => sign(exact)).filter((x) => x !== 0));
    if (sign(amount) === 0 || signs.size !== 1) return null;
    const magnitude = (x: Decimal) => (x.units < 0n ? negate(x) : x);
    const shares = allocate(
      amount,
      customers.map(([, exact]) => magnitude(exact)),
      inv.currency,
    );
    // A credit line takes back the usage of the invoice it credits: its customers' amounts are the negatives.
    const shown = (x: Decimal) => (line.kind === "credit" ? negate(x) : x);
    return customers.map(([customerId, exact], i) => ({
      customerId,
      exact: formatDecimal(normalize(shown(exact))),
      amount: formatDecimal(shares[i] ?? ZERO),
    }));
  }

  async function ratedRows(
    inv: InvoiceRow,
    line: LineRow,
    chosen: SQL | undefined,
    page: Page,
    operator: boolean,
  ): Promise<LineDetail> {
    const days = await deps.db.select().from(invoiceUsage).where(chosen);
    const skip = page.after ? Number.parseInt(page.after, 10) : 0;
    const items: LineDetailRow[] = [];
    let seen = 0;
    let more = false;
    for await (const r of deps.rating.rateSnapshots({
      billingAccountId: inv.billingAccountId,
      snapshotIds: [...new Set(days.map((d) => d.snapshotId))],
      month: line.servicePeriod,
    })) {
      if (line.serviceClass !== "all" && r.serviceClass !== line.serviceClass) continue;
      if (seen++ < skip) continue;
      if (items.length === page.limit) {
        more = true;
        break;
      }
      items.push({
        customerId: r.row.customerId,
        customerName: r.row.customerName,
        usageDate: r.row.usageDate,
        entitlementId: r.row.entitlementId,
        meterName: r.row.meterName,
        meterCategory: r.row.meterCategory,
        serviceClass: r.serviceClass,
        resourceUri: r.row.resourceUri,
        chargeType: r.row.chargeType,
        unit: r.row.unit,
        quantity: r.row.quantity,
        unitPrice: r.row.unitPrice,
        pricingCurrency: r.row.pricingCurrency,
        exchangeRate: r.exchangeRate,
        customerPrice: formatDecimal(normalize(r.customerPrice)),
        ...(operator
          ? {
              listPrice: formatDecimal(normalize(r.listPrice)),
              partnerCost: formatDecimal(normalize(r.partnerCost)),
            }
          : {}),
      });
    }
    return {
      invoiceId: inv.id,
      line: lineView(line, operator),
      customers: null,
      days: null,
      rows: { items, nextCursor: more ? encodeCursor(String(skip + items.length)) : null },
    };
  }

  return { list, get, lineDetail, readable };
}
