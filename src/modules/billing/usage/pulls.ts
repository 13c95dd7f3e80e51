import { and, eq, sql } from "drizzle-orm";
import { GraphFailure } from "../../../integrations/graph/index.ts";
import { PartnerCenterFailure, type UsageLineItem } from "../../../integrations/partner-center/index.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import type { QuarantinedRow } from "../engine/index.ts";
import { addMonths, monthOf } from "../months.ts";
import { usageImports } from "../tables.ts";
import type { BillingUsageDeps } from "./deps.ts";
import { usageErrors, type UsageError } from "./errors.ts";
import { rowsOf, type ImportStore, type UsageImport } from "./import-store.ts";
import { publishImport } from "./publish.ts";
import { rowFromPulled, type StagedRow } from "./usage-row.ts";

export type Period = "current" | "previous";

/** One scheduled run at a time across every worker of a PostgreSQL database. */
const PULL_LOCK = 727_101;

/** How often a worker looks whether a pull is due. */
const CHECK_MS = 60_000;

/** A pull with no progress for this long has lost its worker (a batch commits within seconds). */
const STALLED_AFTER_MS = 15 * 60_000;

/** What a scheduled run did: the imports it made and what failed. */
export type PullRun = { imports: UsageImport[]; failures: UsageError[] };

/**
 * Pulls of Microsoft's daily rated usage, through Graph's billing export or Partner Center's v1 paged API: each is
 * staged as an import (key: the period or invoice and when the pull started) and published, so re-pulling unchanged
 * data adds no version.
 */
export function createPulls(deps: BillingUsageDeps, store: ImportStore, batchRows: number) {
  const { db } = deps;
  const source = deps.source === "graph" ? "graph" : "partner_center";

  /**
   * The billing currencies to ask for unbilled usage in (Microsoft answers one currency per request): those the
   * partner's invoices are in, and USD. Reading invoices needs the partner administrator's sign-in; without it,
   * USD alone.
   */
  async function currencies(): Promise<string[]> {
    const found = new Set(["USD"]);
    const invoices = await deps.microsoft?.partnerCenter.invoices();
    if (invoices?.ok) for (const i of invoices.value) found.add(i.currency.toUpperCase());
    else deps.log?.warn({ error: invoices?.error }, "usage pull: invoices unreadable, pulling USD only");
    return [...found].sort();
  }

  /** Stages every row of `read` (rows numbered from 1) in batches, then publishes; a failure fails the import. */
  async function run(
    imported: UsageImport,
    read: () => AsyncIterable<UsageLineItem>,
  ): Promise<Result<UsageImport, UsageError>> {
    let rows: StagedRow[] = [];
    let quarantined: QuarantinedRow[] = [];
    let n = 0;
    let from = 0;
    const commit = async (last: boolean) => {
      const taken = { rows, quarantined };
      rows = [];
      quarantined = [];
      await store.commitBatch(imported.id, { from, end: { line: n, offset: n }, ...taken, last });
      from = n;
    };
    try {
      for await (const item of read()) {
        const row = rowFromPulled(item, ++n);
        if ("naturalKey" in row) rows.push(row);
        else quarantined.push(row);
        if (rows.length + quarantined.length >= batchRows) await commit(false);
      }
    } catch (e) {
      const failure =
        e instanceof GraphFailure || e instanceof PartnerCenterFailure
          ? usageErrors.pullFailed(e.error.message, e.error.retryable, {
              code: e.error.code,
              ...e.error.details,
            })
          : null;
      if (!failure) throw e;
      await store.fail(imported.id, failure);
      return err(failure);
    }
    await commit(true);
    const staged = await store.get(imported.id);
    if (!staged) throw new Error(`usage import ${imported.id} vanished while staging`);
    await publishImport(deps, staged);
    return ok((await store.get(imported.id)) ?? staged);
  }

  async function pullUnbilled(
    query: { period: Period },
    startedBy = "system",
  ): Promise<Result<UsageImport, UsageError>> {
    const microsoft = deps.microsoft;
    if (!microsoft) return err(usageErrors.notConnected());
    const now = deps.clock.now();
    const startedAt = now.toISOString();
    const codes = await currencies();
    const imported = await store.findOrCreate({
      source,
      kind: "unbilled",
      key: `unbilled:${query.period}:${startedAt}`,
      label: `Unbilled usage, ${query.period} period (${codes.join(", ")})`,
      microsoftInvoiceId: null,
      startedBy,
      // Azure plan's billing period is the calendar month.
      billingPeriod: addMonths(monthOf(now), query.period === "current" ? 0 : -1),
    });
    return run(imported, async function* () {
      for (const currency of codes)
        yield* deps.source === "graph"
          ? microsoft.graph.exportUnbilledUsage({ period: query.period, currency })
          : microsoft.partnerCenter.unbilledUsage({ period: query.period, currency });
    });
  }

  async function pullBilled(
    microsoftInvoiceId: string,
    startedBy = "system",
  ): Promise<Result<UsageImport, UsageError>> {
    const microsoft = deps.microsoft;
    if (!microsoft) return err(usageErrors.notConnected());
    let currency = "";
    if (deps.source === "partner-center") {
      // Partner Center lists an invoice's line items in the invoice's own currency.
      const invoices = await microsoft.partnerCenter.invoices();
      if (!invoices.ok)
        return err(
          usageErrors.pullFailed(invoices.error.message, invoices.error.retryable, {
            code: invoices.error.code,
          }),
        );
      const invoice = invoices.value.find((i) => i.invoiceId === microsoftInvoiceId);
      if (!invoice)
        return err(
          usageErrors.pullFailed(`Partner Center lists no invoice ${microsoftInvoiceId}.`, false, {
            microsoftInvoiceId,
          }),
        );
      currency = invoice.currency;
    }
    const imported = await store.findOrCreate({
      source,
      kind: "billed",
      key: `billed:${microsoftInvoiceId}:${deps.clock.now().toISOString()}`,
      label: `Billed usage of invoice ${microsoftInvoiceId}`,
      microsoftInvoiceId,
      startedBy,
    });
    return run(imported, () =>
      deps.source === "graph"
        ? microsoft.graph.exportBilledUsage(microsoftInvoiceId)
        : microsoft.partnerCenter.billedUsage(microsoftInvoiceId, { currency }),
    );
  }

  /** Pulls the billed usage of every invoice Microsoft lists that no finished import has read yet. */
  async function pullNewInvoices(startedBy = "system"): Promise<PullRun> {
    const microsoft = deps.microsoft;
    if (!microsoft) return { imports: [], failures: [usageErrors.notConnected()] };
    const invoices = await microsoft.partnerCenter.invoices();
    if (!invoices.ok)
      return {
        imports: [],
        failures: [
          usageErrors.pullFailed(invoices.error.message, invoices.error.retryable, {
            code: invoices.error.code,
          }),
        ],
      };
    const done = new Set(
      (
        await db
          .select({ id: usageImports.microsoftInvoiceId })
          .from(usageImports)
          .where(and(eq(usageImports.kind, "billed"), eq(usageImports.state, "done")))
      ).map((r) => r.id),
    );
    const run: PullRun = { imports: [], failures: [] };
    for (const invoice of invoices.value) {
      if (done.has(invoice.invoiceId)) continue;
      const pulled = await pullBilled(invoice.invoiceId, startedBy);
      if (pulled.ok) run.imports.push(pulled.value);
      else run.failures.push(pulled.error);
    }
    return run;
  }

  /** Unbilled usage of the current and previous periods, then every new invoice's billed usage. */
  async function pullAll(): Promise<PullRun> {
    const result: PullRun = { imports: [], failures: [] };
    for (const period of ["previous", "current"] as const) {
      const pulled = await pullUnbilled({ period });
      if (pulled.ok) result.imports.push(pulled.value);
      else result.failures.push(pulled.error);
    }
    const billed = await pullNewInvoices();
    return {
      imports: [...result.imports, ...billed.imports],
      failures: [...result.failures, ...billed.failures],
    };
  }

  /**
   * Pulls a stopped worker left behind: a staging one is failed (the next pull reads its usage again), a publishing
   * one is published, since its rows are all staged.
   */
  async function recoverStalled(): Promise<void> {
    const before = new Date(deps.clock.now().getTime() - STALLED_AFTER_MS);
    for (const stalled of await store.stalledPulls(before)) {
      if (stalled.state === "staging") await store.fail(stalled.id, usageErrors.pullInterrupted());
      else await publishImport(deps, stalled);
      deps.log?.warn({ importId: stalled.id, state: stalled.state }, "usage pull: recovered a stalled pull");
    }
  }

  /** Recovers stalled pulls, then runs `pullAll` if the last scheduled pull began `intervalMs` ago or never did. */
  async function pullIfDue(intervalMs: number): Promise<PullRun | null> {
    await recoverStalled();
    const last = await store.lastScheduledPull();
    if (last && deps.clock.now().getTime() - last.getTime() < intervalMs) return null;
    return pullAll();
  }

  /**
   * `pullIfDue` unless another worker is running it: on PostgreSQL a transaction holds an advisory lock for the run
   * (released if the worker dies); PGlite is one process, whose own schedule runs one at a time. Null: nothing ran.
   */
  async function pullIfDueOnce(intervalMs: number): Promise<PullRun | null> {
    if (deps.dialect === "pglite") return pullIfDue(intervalMs);
    return db.transaction(async (tx) => {
      const [lock] = rowsOf<{ got: boolean }>(
        await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${PULL_LOCK}) AS got`),
      );
      return lock?.got ? pullIfDue(intervalMs) : null;
    });
  }

  return {
    pullUnbilled,
    pullBilled,
    pullNewInvoices,

    /**
     * Pulls in this process (a worker) whenever the last scheduled pull, by any worker, began `intervalMs` ago: it
     * looks every `checkMs` (a minute, or the interval if shorter), so a new or restarted worker pulls within a
     * minute when a pull is due rather than a whole interval later. A check while a run is still going is skipped;
     * a failed run is logged. `stop()` ends the timer and waits for a running pull.
     */
    startPulls(opts: { intervalMs: number; checkMs?: number }): { stop(): Promise<void> } {
      let running: Promise<unknown> | null = null;
      const timer = setInterval(
        () => {
          if (running) return;
          running = pullIfDueOnce(opts.intervalMs)
            .then((r) => {
              for (const failure of r?.failures ?? []) deps.log?.warn({ failure }, "usage pull failed");
            })
            .catch((e: unknown) => deps.log?.error({ err: e }, "usage pull failed"))
            .finally(() => {
              running = null;
            });
        },
        opts.checkMs ?? Math.min(opts.intervalMs, CHECK_MS),
      );
      return {
        async stop() {
          clearInterval(timer);
          await running;
        },
      };
    },
  };
}
