import path from "node:path";
import type { Page, PageOf } from "../../../platform/pagination.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import type { QuarantinedRow } from "../engine/index.ts";
import type { Caller } from "../../tenancy/index.ts";
import type { BillingUsageDeps } from "./deps.ts";
import { usageErrors, type UsageError } from "./errors.ts";
import { fileSha256, stageFile, type StagingHooks } from "./file-import.ts";
import { createImportStore, ImportMovedOn, type UsageImport } from "./import-store.ts";
import { publishImport, type PublishHooks } from "./publish.ts";
import { createPulls, type Period } from "./pulls.ts";
import { createUsageReads } from "./reads.ts";

export type { BillingUsageDeps } from "./deps.ts";
export type { UsageError } from "./errors.ts";
export type { BatchCommitted } from "./file-import.ts";
export type { UsageImport } from "./import-store.ts";
export type { PullRun } from "./pulls.ts";
export type { CurrentSnapshot, MonthState, SnapshotRow } from "./reads.ts";
export type { UsageRow } from "./usage-row.ts";
export { usageImportCommand, USAGE_IMPORT_HELP } from "./usage-import-command.ts";

export type ImportFileOptions = {
  kind: "unbilled" | "billed";
  microsoftInvoiceId?: string;
  /**
   * The billing period the file was downloaded for (YYYY-MM); publishing takes the latest usage month in it if that
   * is later. Without it, that month. Read when the file is first imported.
   */
  billingPeriod?: string;
  /** Who started it: a user id, or "cli" / "system". */
  startedBy: string;
  /** The name shown for the import (default: the file's name). */
  label?: string;
  hooks?: StagingHooks & PublishHooks;
};

/** An import with the first of its quarantined rows, for people. */
export type ImportDetail = UsageImport & { quarantined: QuarantinedRow[] };

const DEFAULT_BATCH_ROWS = 2000;

/**
 * The usage store: Microsoft's daily rated usage in (files and pulls), kept as versioned snapshots per customer and
 * day, and read by billing.
 */
export function createBillingUsage(deps: BillingUsageDeps) {
  const batchRows = deps.batchRows ?? DEFAULT_BATCH_ROWS;
  const store = createImportStore(deps);
  const reads = createUsageReads(deps);
  const pulls = createPulls(deps, store, batchRows);

  /**
   * Imports a daily rated usage file. Its SHA-256 names the import: the same file again returns the finished import
   * unchanged, or resumes one a crash interrupted (staging from the last committed batch, or publishing). A file
   * that is not usage at all (columns missing, UTF-16, empty) fails with the reader's error; bad rows are
   * quarantined with their line and reason and the rest is imported.
   */
  async function importUsageFile(
    file: string,
    options: ImportFileOptions,
  ): Promise<Result<UsageImport, UsageError>> {
    const sha = await fileSha256(file);
    if (!sha) return err(usageErrors.fileNotFound(file));
    let imported = await store.findOrCreate({
      source: "file",
      kind: options.kind,
      key: sha,
      label: options.label ?? path.basename(file),
      microsoftInvoiceId: options.microsoftInvoiceId ?? null,
      startedBy: options.startedBy,
      ...(options.billingPeriod ? { billingPeriod: options.billingPeriod } : {}),
    });
    if (imported.state === "failed" && imported.error)
      return err({ ...imported.error, retryable: false } as UsageError);
    if (imported.state === "staging") {
      try {
        const staged = await stageFile(store, imported, file, { batchRows, hooks: options.hooks ?? {} });
        if (!staged.ok) return staged;
      } catch (e) {
        if (e instanceof ImportMovedOn) return err(usageErrors.busy(imported.id));
        throw e;
      }
      imported = (await store.get(imported.id)) ?? imported;
    }
    if (imported.state === "publishing") {
      await publishImport(deps, imported, options.hooks ?? {});
      imported = (await store.get(imported.id)) ?? imported;
    }
    return ok(imported);
  }

  const operatorOnly = (caller: Caller) => !caller.principal.isOperator;

  /** An operator's import or pull, audited with its counts; its quarantined rows shown. */
  async function audited(caller: Caller, action: string, imported: UsageImport): Promise<ImportDetail> {
    await deps.audit.record(deps.db, caller.actor, {
      orgId: null,
      action,
      targetType: "usage_import",
      targetId: imported.id,
      details: {
        kind: imported.kind,
        source: imported.source,
        rowsStaged: imported.rowsStaged,
        rowsQuarantined: imported.rowsQuarantined,
        snapshotsCreated: imported.snapshotsCreated,
      },
    });
    return { ...imported, quarantined: await store.quarantineOf(imported.id, 100) };
  }

  return {
    importUsageFile,
    pullUnbilled: (query: { period: Period }) => pulls.pullUnbilled(query),
    pullBilled: (microsoftInvoiceId: string) => pulls.pullBilled(microsoftInvoiceId),
    pullNewInvoices: () => pulls.pullNewInvoices(),
    /**
     * For a worker: unbilled current and previous periods and new invoices whenever the last scheduled pull began
     * `intervalMs` ago, one run at a time; stalled pulls are recovered first.
     */
    startPulls: (opts: { intervalMs: number; checkMs?: number }) => pulls.startPulls(opts),

    currentSnapshots: (query: { month: string; customerIds?: readonly string[] }) =>
      reads.currentSnapshots(query),
    snapshotRows: (snapshotIds: readonly number[]) => reads.snapshotRows(snapshotIds),
    monthStates: (month: string, customerIds?: readonly string[]) => reads.monthStates(month, customerIds),
    imports: { list: (page: Page) => store.list(page), get: (importId: string) => store.get(importId) },
    quarantineOf: (importId: string, limit = 100) => store.quarantineOf(importId, limit),

    /** The API's operations: partner operators only. */
    operators: {
      async importFile(
        caller: Caller,
        file: string,
        options: Omit<ImportFileOptions, "startedBy" | "hooks">,
      ): Promise<Result<ImportDetail, UsageError>> {
        if (operatorOnly(caller)) return err(usageErrors.forbidden());
        const imported = await importUsageFile(file, { ...options, startedBy: caller.principal.userId });
        if (!imported.ok) return imported;
        return ok(await audited(caller, "usage.file_imported", imported.value));
      },
      async list(caller: Caller, page: Page): Promise<Result<PageOf<UsageImport>, UsageError>> {
        if (operatorOnly(caller)) return err(usageErrors.forbidden());
        return ok(await store.list(page));
      },
      async get(caller: Caller, importId: string): Promise<Result<ImportDetail, UsageError>> {
        if (operatorOnly(caller)) return err(usageErrors.forbidden());
        const found = await store.get(importId);
        if (!found) return err(usageErrors.importNotFound(importId));
        return ok({ ...found, quarantined: await store.quarantineOf(importId, 100) });
      },
      async pullUnbilled(caller: Caller, period: Period): Promise<Result<ImportDetail, UsageError>> {
        if (operatorOnly(caller)) return err(usageErrors.forbidden());
        const pulled = await pulls.pullUnbilled({ period }, caller.principal.userId);
        if (!pulled.ok) return pulled;
        return ok(await audited(caller, "usage.pulled", pulled.value));
      },
    },
  };
}

export type BillingUsage = ReturnType<typeof createBillingUsage>;
