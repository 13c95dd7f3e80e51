import type { Page } from "../../../platform/pagination.ts";
import { err, type AppError, type Result } from "../../../platform/result.ts";
import type { AuditActor } from "../../audit/index.ts";
import type { Caller } from "../../tenancy/index.ts";
import { requireDraft, requireOperator } from "./access.ts";
import { createCreditNotes } from "./credit-notes.ts";
import type { InvoicingDeps } from "./deps.ts";
import { createDrafting } from "./drafting.ts";
import { invoicingErrors } from "./errors.ts";
import { createMonthClose } from "./month-close.ts";
import { monthOf } from "./periods.ts";
import { createPosting } from "./posting.ts";
import {
  createReads,
  invoiceView,
  type InvoiceFilter,
  type InvoiceView,
  type LineDetailQuery,
} from "./reads.ts";
import { invoiceById, linesOf, type InvoiceRow } from "./store.ts";

const SYSTEM: AuditActor = { userId: null, email: null, kind: "system", requestId: null };

/** Invoices of billing accounts: drafts, finalization, credit notes, posting to the partner cloud, the month close. */
export function createInvoicing(deps: InvoicingDeps) {
  const drafting = createDrafting(deps);
  const creditNotes = createCreditNotes(deps);
  const posting = createPosting(deps);
  const reads = createReads(deps);
  const monthClose = createMonthClose(deps, drafting, posting);

  const full = async (row: InvoiceRow, operator: boolean): Promise<InvoiceView> =>
    invoiceView(row, await linesOf(deps.db, row.id), operator);

  /** The invoice of an operator's command, or why the caller may not touch it. */
  async function operatorsInvoice(
    caller: Caller | "system",
    invoiceId: string,
  ): Promise<Result<InvoiceRow, AppError>> {
    const inv = await invoiceById(deps.db, invoiceId);
    if (!inv) return err(invoicingErrors.notFound("invoice", invoiceId));
    if (caller !== "system") {
      const allowed = requireOperator(caller.principal, inv);
      if (!allowed.ok) return allowed;
    }
    return { ok: true, value: inv };
  }

  const actorOf = (caller: Caller | "system") => (caller === "system" ? SYSTEM : caller.actor);
  const operator = (caller: Caller | "system") => caller === "system" || caller.principal.isOperator;

  return {
    /**
     * Builds (or rebuilds) the billing account's draft invoice of `period` from the usage as rated now, with
     * "Update to Previous Month" lines for what changed in months already finalized. Refused for a finalized month.
     */
    async draft(
      caller: Caller | "system",
      billingAccountId: string,
      period: string,
    ): Promise<Result<InvoiceView, AppError>> {
      if (caller !== "system") {
        const account = await deps.billingAccountOf(billingAccountId);
        if (!account) return err(invoicingErrors.notFound("billing account", billingAccountId));
        const allowed = requireDraft(caller.principal, { ...account, id: billingAccountId });
        if (!allowed.ok) return allowed;
      }
      const current = monthOf(deps.clock.now());
      if (period > current) return err(invoicingErrors.periodInFuture(period, current));
      const saved = await drafting.save(actorOf(caller), billingAccountId, period, false);
      return saved.ok ? { ok: true, value: await full(saved.value, operator(caller)) } : saved;
    },

    /** Numbers and finalizes a draft, rebuilt from the usage as it is now; from then on it never changes. */
    async finalize(caller: Caller | "system", invoiceId: string): Promise<Result<InvoiceView, AppError>> {
      const inv = await operatorsInvoice(caller, invoiceId);
      if (!inv.ok) return inv;
      if (inv.value.state === "finalized")
        return err(invoicingErrors.finalized(inv.value.id, inv.value.number));
      const saved = await drafting.save(actorOf(caller), inv.value.billingAccountId, inv.value.period, true);
      return saved.ok ? { ok: true, value: await full(saved.value, true) } : saved;
    },

    /** Operators: a credit note taking back a finalized invoice whole; its usage is billed again on the next invoice. */
    async creditNote(
      caller: Caller | "system",
      invoiceId: string,
      reason: string,
    ): Promise<Result<InvoiceView, AppError>> {
      const inv = await operatorsInvoice(caller, invoiceId);
      if (!inv.ok) return inv;
      const note = await creditNotes.creditNote(actorOf(caller), invoiceId, reason);
      return note.ok ? { ok: true, value: await full(note.value, true) } : note;
    },

    /** Operators: posts a finalized invoice's lines to the partner cloud (again, after a failure). */
    async post(caller: Caller | "system", invoiceId: string): Promise<Result<InvoiceView, AppError>> {
      const inv = await operatorsInvoice(caller, invoiceId);
      if (!inv.ok) return inv;
      const posted = await posting.post(actorOf(caller), invoiceId);
      return posted.ok ? { ok: true, value: await full(posted.value, true) } : posted;
    },

    list: (caller: Caller, orgId: string, filter: InvoiceFilter, page: Page) =>
      reads.list(caller.principal, orgId, filter, page),
    get: (caller: Caller, invoiceId: string) => reads.get(caller.principal, invoiceId),
    lineDetail: (caller: Caller, invoiceId: string, lineNo: number, opts: LineDetailQuery) =>
      reads.lineDetail(caller.principal, invoiceId, lineNo, opts),

    /** Runs the month close once now (tests, the command line); workers use startMonthClose. */
    closeMonths: () => monthClose.runOnce(),
    startMonthClose: (opts: { intervalMs: number }) => monthClose.startMonthClose(opts),
  };
}

export type Invoicing = ReturnType<typeof createInvoicing>;
