import { eq } from "drizzle-orm";
import { newId } from "../../../platform/ids.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import type { AuditActor } from "../../audit/index.ts";
import { formatDecimal, negate } from "../engine/index.ts";
import { invoiceLines, invoices } from "../tables.ts";
import { dayKey, minus, NO_AMOUNTS } from "./amounts.ts";
import type { UsageRecord } from "./assembly.ts";
import type { InvoicingDeps } from "./deps.ts";
import { invoicingErrors, type InvoicingError } from "./errors.ts";
import { invoiceNumber, sequenceOf } from "./lifecycle.ts";
import {
  amountsOf,
  billedRecords,
  creditNoteOf,
  insertUsage,
  invoiceById,
  latestPerDay,
  linesOf,
  lockAccount,
  nextNumberSequence,
  readMoney,
  type InvoiceRow,
} from "./store.ts";

/**
 * A credit note takes a finalized invoice back whole: its lines negated (rounding is symmetric, so each amount is
 * exactly the original's negative), finalized and numbered at once. The usage the invoice billed counts as unbilled
 * again: per customer-day the credit note records what stays billed once the invoice is taken back (what is billed
 * now, less what that invoice added). The invoice's month stays finalized, so the account's next invoice bills that
 * usage again as "Update to Previous Month" lines; there is no second invoice for the same month.
 */
export function createCreditNotes(deps: InvoicingDeps) {
  async function creditNote(
    actor: AuditActor,
    invoiceId: string,
    reason: string,
  ): Promise<Result<InvoiceRow, InvoicingError>> {
    const original = await invoiceById(deps.db, invoiceId);
    if (!original) return err(invoicingErrors.notFound("invoice", invoiceId));
    return deps.db.transaction(async (tx): Promise<Result<InvoiceRow, InvoicingError>> => {
      await lockAccount(tx, original.billingAccountId);
      const inv = await invoiceById(tx, invoiceId);
      if (!inv) return err(invoicingErrors.notFound("invoice", invoiceId));
      if (inv.kind === "credit_note") return err(invoicingErrors.creditNoteNotCreditable(invoiceId));
      if (inv.state !== "finalized" || !inv.number) return err(invoicingErrors.notFinalized(invoiceId));
      const existing = await creditNoteOf(tx, invoiceId);
      if (existing) return err(invoicingErrors.alreadyCredited(invoiceId, existing.id));

      const sequence = sequenceOf(inv.number);
      const lines = await linesOf(tx, invoiceId);
      const months = [...new Set(lines.map((l) => l.servicePeriod))];
      const records = await billedRecords(tx, inv.billingAccountId, months);
      const latest = latestPerDay(records);
      const before = latestPerDay(records.filter((r) => r.sequence < sequence));
      const usage: UsageRecord[] = records
        .filter((r) => r.invoiceId === invoiceId)
        .map((r) => {
          const key = dayKey(r.customerId, r.usageDate);
          const now = latest.get(key) ?? r;
          const prior = before.get(key);
          const added = minus(amountsOf(r), prior ? amountsOf(prior) : NO_AMOUNTS);
          return {
            customerId: r.customerId,
            usageDate: r.usageDate,
            snapshotId: now.snapshotId,
            amounts: minus(amountsOf(now), added),
          };
        });

      const now = deps.clock.now();
      const id = newId("invoice", now);
      const number = invoiceNumber(inv.period, await nextNumberSequence(tx));
      const total = formatDecimal(negate(readMoney(inv.total)));
      await tx.insert(invoices).values({
        id,
        number,
        orgId: inv.orgId,
        billingAccountId: inv.billingAccountId,
        costCenterId: inv.costCenterId,
        period: inv.period,
        kind: "credit_note",
        creditsInvoiceId: inv.id,
        currency: inv.currency,
        state: "finalized",
        basis: inv.basis,
        total,
        reason,
        createdAt: now,
        updatedAt: now,
        finalizedAt: now,
        finalizedBy: actor.userId ?? "system",
        postState: "not_posted",
      });
      if (lines.length > 0)
        await tx.insert(invoiceLines).values(
          lines.map((l) => ({
            ...l,
            invoiceId: id,
            kind: "credit" as const,
            description: `Credit: ${l.description} (${inv.number ?? inv.id})`,
            exact: formatDecimal(negate(readMoney(l.exact))),
            amount: formatDecimal(negate(readMoney(l.amount))),
            listPrice: formatDecimal(negate(readMoney(l.listPrice))),
            partnerCost: formatDecimal(negate(readMoney(l.partnerCost))),
          })),
        );
      await insertUsage(tx, id, usage);
      await deps.audit.record(tx, actor, {
        orgId: inv.orgId,
        costCenterId: inv.costCenterId,
        action: "invoice.credited",
        targetType: "invoice",
        targetId: inv.id,
        details: { creditNoteId: id, number, credits: inv.number, total, reason },
      });
      const [row] = await tx.select().from(invoices).where(eq(invoices.id, id));
      if (!row) throw new Error(`credit note ${id} vanished inside its own transaction`);
      return ok(row);
    });
  }

  return { creditNote };
}
