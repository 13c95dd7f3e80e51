import type { AuditActor } from "../../audit/index.ts";
import type { InvoicingDeps } from "./deps.ts";
import type { createDrafting } from "./drafting.ts";
import { monthOf, previousMonth } from "./periods.ts";
import type { createPosting } from "./posting.ts";
import { invoiceFor } from "./store.ts";

const SYSTEM: AuditActor = { userId: null, email: null, kind: "system", requestId: null };
/** In arrears, how many months back the schedule looks for months Microsoft has since made final. */
const ARREARS_MONTHS = 3;

export type MonthCloseSummary = {
  finalized: number;
  waiting: number;
  failed: number;
  posted: number;
  postFailed: number;
};

/**
 * The month close, per the billing settings' timing. `estimate`: from the 1st of M+1, every billing account with
 * usage in M gets its invoice of M drafted and finalized from the data so far; what Microsoft changes later is
 * billed on the next invoice. `arrears`: a month is invoiced once Microsoft's billed data makes it final (looking
 * back three months). Then every finalized invoice not yet posted, or whose posting failed for a passing reason,
 * is posted. Workers may all run it: finalizing holds the account's lock and refuses a finalized month, and
 * posting claims the invoice row first.
 */
export function createMonthClose(
  deps: InvoicingDeps,
  drafting: ReturnType<typeof createDrafting>,
  posting: ReturnType<typeof createPosting>,
) {
  async function closeMonths(): Promise<MonthCloseSummary> {
    const summary: MonthCloseSummary = { finalized: 0, waiting: 0, failed: 0, posted: 0, postFailed: 0 };
    const { timing } = await deps.settings();
    const last = previousMonth(monthOf(deps.clock.now()));
    const months = [last];
    if (timing === "arrears")
      while (months.length < ARREARS_MONTHS) months.unshift(previousMonth(months[0] ?? last));
    for (const month of months)
      for (const route of await deps.rating.billingAccountsWithUsage(month)) {
        const known = await invoiceFor(deps.db, route.billingAccountId, month);
        if (known?.state === "finalized") continue;
        const closed = await drafting.save(SYSTEM, route.billingAccountId, month, true, {
          requireFinal: timing === "arrears",
        });
        if (closed.ok) summary.finalized++;
        else if (closed.error.code === "usage_not_final") summary.waiting++;
        else if (closed.error.code !== "invoice_finalized") {
          summary.failed++;
          deps.log?.error(
            { billingAccountId: route.billingAccountId, month, code: closed.error.code },
            `month close: ${closed.error.message}`,
          );
        }
      }
    for (const id of await posting.pending()) {
      const posted = await posting.post(SYSTEM, id, true);
      if (posted.ok && posted.value.postState === "posted") summary.posted++;
      else if (posted.ok && posted.value.postState === "failed") summary.postFailed++;
    }
    return summary;
  }

  let running: Promise<MonthCloseSummary> | null = null;
  /** Runs the month close now, unless this process is already running it (then waits for that run). */
  function runOnce(): Promise<MonthCloseSummary> {
    running ??= closeMonths().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    runOnce,
    /** Runs the month close every `intervalMs` in this worker. */
    startMonthClose(opts: { intervalMs: number }): { stop(): Promise<void> } {
      const tick = () =>
        void runOnce().catch((e: unknown) => deps.log?.error({ err: e }, "month close failed"));
      const timer = setInterval(tick, opts.intervalMs);
      tick();
      return {
        async stop() {
          clearInterval(timer);
          await running?.catch(() => undefined);
        },
      };
    },
  };
}
