import { z } from "zod";
import type { Store } from "../state/store.ts";
import {
  closesAt,
  format,
  invoiceTotal,
  isClosed,
  monthOf,
  monthsBetween,
  previousMonth,
  seedOf,
  dayOf,
  type Month,
  type UsageRow,
  type UsageWorld,
} from "../usage/index.ts";

const Invoice = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  month: z.string(),
  currencyCode: z.string(),
  invoiceDate: z.string(),
  /** Exact decimal text, currency minor units. */
  totalCharges: z.string(),
  usageRowCount: z.number().int(),
});
export type IssuedInvoice = z.infer<typeof Invoice>;

/** A new-commerce invoice number: "G" and nine digits (e.g. G016907411), stable for partner, month and currency. */
export const invoiceIdFor = (partnerTenantId: string, month: Month, currency: string) =>
  `G${String(seedOf("invoice", partnerTenantId, month, currency) % 1_000_000_000).padStart(9, "0")}`;

/**
 * The partner's Azure plan invoices: one per closed month and billing currency with usage (a partner with customers
 * in several countries gets one invoice per currency). An invoice is issued the first time anyone looks after its
 * month closed, and kept, so its number, date and total never change afterwards.
 */
export function openInvoiceState(deps: { store: Store; usage: UsageWorld; now: () => number }) {
  const invoices = deps.store.collection("partnerCenterInvoices", Invoice);

  /** The month's rows as billed: everything that arrived by its close, carrying the invoice number. */
  function* billedRows(
    partnerTenantId: string,
    month: Month,
    currency: string,
    after?: string,
  ): Generator<UsageRow> {
    yield* deps.usage.arrivedRows(partnerTenantId, month, closesAt(month), {
      currency,
      ...(after ? { after } : {}),
    });
  }

  function issueDue(partnerTenantId: string): void {
    const first = deps.usage.firstUsageMonth(partnerTenantId);
    if (!first) return;
    const lastClosed = previousMonth(monthOf(dayOf(deps.now())));
    const months = monthsBetween(
      first,
      isClosed(lastClosed, deps.now()) ? lastClosed : previousMonth(lastClosed),
    );
    for (const month of months) {
      if (invoices.find((i) => i.partnerTenantId === partnerTenantId && i.month === month)) continue;
      const byCurrency = new Map<string, UsageRow[]>();
      for (const row of deps.usage.arrivedRows(partnerTenantId, month, closesAt(month))) {
        const list = byCurrency.get(row.billingCurrency) ?? [];
        list.push(row);
        byCurrency.set(row.billingCurrency, list);
      }
      for (const [currency, rows] of [...byCurrency.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
        invoices.add({
          id: invoiceIdFor(partnerTenantId, month, currency),
          partnerTenantId,
          month,
          currencyCode: currency,
          invoiceDate: new Date(closesAt(month)).toISOString(),
          totalCharges: format(invoiceTotal(rows)),
          usageRowCount: rows.length,
        });
    }
  }

  return {
    /** The partner's invoices, newest first, issuing any that have become due. */
    invoicesOf(partnerTenantId: string): IssuedInvoice[] {
      issueDue(partnerTenantId);
      return invoices
        .filter((i) => i.partnerTenantId === partnerTenantId)
        .sort((a, b) =>
          a.month === b.month ? (a.currencyCode < b.currencyCode ? -1 : 1) : a.month < b.month ? 1 : -1,
        );
    },
    invoice(partnerTenantId: string, invoiceId: string): IssuedInvoice | undefined {
      issueDue(partnerTenantId);
      return invoices.find((i) => i.partnerTenantId === partnerTenantId && i.id === invoiceId.toUpperCase());
    },
    billedRows,
  };
}

export type InvoiceState = ReturnType<typeof openInvoiceState>;
