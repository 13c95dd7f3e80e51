import { and, asc, desc, eq, gte, inArray, isNotNull, lte, sql } from "drizzle-orm";
import type { Executor, Tx } from "../../../platform/db/types.ts";
import { formatDecimal, normalize, parseDecimal, type Decimal } from "../engine/index.ts";
import { invoiceLines, invoices, invoiceUsage } from "../tables.ts";
import type { Amounts } from "./amounts.ts";
import type { AssembledLine, UsageRecord } from "./assembly.ts";
import { sequenceOf } from "./lifecycle.ts";
import { daysOf } from "./periods.ts";

export type InvoiceRow = typeof invoices.$inferSelect;
export type LineRow = typeof invoiceLines.$inferSelect;
export type UsageRow = typeof invoiceUsage.$inferSelect;

/** Invoice numbers are given one at a time across every process, so they run without gaps or repeats. */
const NUMBER_LOCK = 727_101;
/** One writer per billing account at a time (drafts, finalization, credit notes), across every process. */
const ACCOUNT_LOCK = 727_102;
const BATCH = 1000;

export const money = (x: Decimal): string => formatDecimal(normalize(x));

export function readMoney(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d) throw new Error(`not a stored amount: ${text}`);
  return d;
}

export const amountsOf = (r: { customerPrice: string; listPrice: string; partnerCost: string }): Amounts => ({
  customerPrice: readMoney(r.customerPrice),
  listPrice: readMoney(r.listPrice),
  partnerCost: readMoney(r.partnerCost),
});

export async function lockAccount(tx: Tx, billingAccountId: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${ACCOUNT_LOCK}, hashtext(${billingAccountId}))`);
}

export async function invoiceById(ex: Executor, id: string): Promise<InvoiceRow | null> {
  const [row] = await ex.select().from(invoices).where(eq(invoices.id, id));
  return row ?? null;
}

/** The account's invoice (not credit note) of a month, draft or finalized. */
export async function invoiceFor(
  ex: Executor,
  billingAccountId: string,
  period: string,
): Promise<InvoiceRow | null> {
  const [row] = await ex
    .select()
    .from(invoices)
    .where(
      and(
        eq(invoices.billingAccountId, billingAccountId),
        eq(invoices.period, period),
        eq(invoices.kind, "invoice"),
      ),
    );
  return row ?? null;
}

export async function creditNoteOf(ex: Executor, invoiceId: string): Promise<InvoiceRow | null> {
  const [row] = await ex.select().from(invoices).where(eq(invoices.creditsInvoiceId, invoiceId));
  return row ?? null;
}

export const linesOf = (ex: Executor, invoiceId: string): Promise<LineRow[]> =>
  ex
    .select()
    .from(invoiceLines)
    .where(eq(invoiceLines.invoiceId, invoiceId))
    .orderBy(asc(invoiceLines.lineNo));

/** Months before `month` for which the account has a finalized invoice. */
export async function finalizedMonthsBefore(
  ex: Executor,
  billingAccountId: string,
  month: string,
): Promise<string[]> {
  const rows = await ex
    .selectDistinct({ period: invoices.period })
    .from(invoices)
    .where(
      and(
        eq(invoices.billingAccountId, billingAccountId),
        eq(invoices.kind, "invoice"),
        eq(invoices.state, "finalized"),
        sql`${invoices.period} < ${month}`,
      ),
    );
  return rows.map((r) => r.period).sort();
}

/** The running number of the account's latest finalized document: what billed-so-far figures were read at. */
export async function lastSequence(ex: Executor, billingAccountId: string): Promise<number> {
  const [row] = await ex
    .select({ number: invoices.number })
    .from(invoices)
    .where(and(eq(invoices.billingAccountId, billingAccountId), isNotNull(invoices.number)))
    .orderBy(desc(sql`right(${invoices.number}, 6)`))
    .limit(1);
  return row?.number ? sequenceOf(row.number) : 0;
}

export type BilledRecord = UsageRow & { readonly sequence: number };

/**
 * Every invoice_usage record of the account's finalized invoices and credit notes for days of `months`, in
 * finalization order: the last record of a day is what has been billed for it in all.
 */
export async function billedRecords(
  ex: Executor,
  billingAccountId: string,
  months: readonly string[],
): Promise<BilledRecord[]> {
  if (months.length === 0) return [];
  const sorted = [...months].sort();
  const rows = await ex
    .select({ usage: invoiceUsage, number: invoices.number })
    .from(invoiceUsage)
    .innerJoin(invoices, eq(invoices.id, invoiceUsage.invoiceId))
    .where(
      and(
        eq(invoices.billingAccountId, billingAccountId),
        eq(invoices.state, "finalized"),
        gte(invoiceUsage.usageDate, daysOf(sorted[0] ?? "").first),
        lte(invoiceUsage.usageDate, daysOf(sorted[sorted.length - 1] ?? "").last),
        inArray(sql`substr(${invoiceUsage.usageDate}, 1, 7)`, sorted),
      ),
    );
  return rows
    .map((r) => ({ ...r.usage, sequence: r.number ? sequenceOf(r.number) : 0 }))
    .sort((a, b) => a.sequence - b.sequence);
}

/** The latest record per customer-day, of records in finalization order. */
export function latestPerDay<R extends UsageRow>(records: readonly R[]): Map<string, R> {
  const latest = new Map<string, R>();
  for (const r of records) latest.set(`${r.customerId}|${r.usageDate}`, r);
  return latest;
}

export async function nextNumberSequence(tx: Tx): Promise<number> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${NUMBER_LOCK})`);
  const [row] = await tx
    .select({ last: sql<string | null>`max(right(${invoices.number}, 6))` })
    .from(invoices)
    .where(isNotNull(invoices.number));
  return (row?.last ? Number.parseInt(row.last, 10) : 0) + 1;
}

export const lineValues = (invoiceId: string, l: AssembledLine): LineRow => ({
  invoiceId,
  lineNo: l.lineNo,
  kind: l.kind,
  description: l.description,
  servicePeriod: l.servicePeriod,
  serviceClass: l.serviceClass,
  exact: money(l.exact),
  amount: formatDecimal(l.amount),
  listPrice: money(l.listPrice),
  partnerCost: money(l.partnerCost),
  rowCount: l.rowCount,
});

/** Replaces a draft's lines and usage; the draft must still be a draft (finalized invoices are only read). */
export async function replaceDraftContent(
  tx: Tx,
  invoiceId: string,
  lines: readonly AssembledLine[],
  usage: readonly UsageRecord[],
): Promise<void> {
  const [draft] = await tx
    .select({ state: invoices.state })
    .from(invoices)
    .where(eq(invoices.id, invoiceId))
    .for("update");
  if (draft?.state !== "draft")
    throw new Error(`invoice ${invoiceId} is not a draft: its lines are only read`);
  await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId));
  await tx.delete(invoiceUsage).where(eq(invoiceUsage.invoiceId, invoiceId));
  if (lines.length > 0) await tx.insert(invoiceLines).values(lines.map((l) => lineValues(invoiceId, l)));
  await insertUsage(tx, invoiceId, usage);
}

export async function insertUsage(tx: Tx, invoiceId: string, usage: readonly UsageRecord[]): Promise<void> {
  for (let i = 0; i < usage.length; i += BATCH)
    await tx.insert(invoiceUsage).values(
      usage.slice(i, i + BATCH).map((u) => ({
        invoiceId,
        customerId: u.customerId,
        usageDate: u.usageDate,
        snapshotId: u.snapshotId,
        customerPrice: money(u.amounts.customerPrice),
        listPrice: money(u.amounts.listPrice),
        partnerCost: money(u.amounts.partnerCost),
      })),
    );
}
