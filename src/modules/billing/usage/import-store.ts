import { and, desc, eq, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { newId } from "../../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../../platform/pagination.ts";
import type { QuarantinedRow } from "../engine/index.ts";
import { usageImports, usageQuarantine } from "../tables.ts";
import type { BillingUsageDeps } from "./deps.ts";
import type { StagedRow, UsageRow } from "./usage-row.ts";

export type UsageImport = typeof usageImports.$inferSelect;
export type ImportSource = UsageImport["source"];
export type ImportKind = UsageImport["kind"];

export type NewImport = {
  source: ImportSource;
  kind: ImportKind;
  key: string;
  label: string;
  microsoftInvoiceId: string | null;
  startedBy: string;
  /** The billing period asked for (an unbilled pull's); publishing settles it from the rows otherwise. */
  billingPeriod?: string;
};

/** Where a batch ends: the line it ends on and the byte (or pull row) the next batch starts at. */
export type BatchEnd = { line: number; offset: number };

/** Another process moved the import on while this one staged the same batch: this one stops. */
export class ImportMovedOn extends Error {
  override readonly name = "ImportMovedOn";
}

/** The columns of a staged or published row, as JSON keys and SQL types, for inserting a batch in one statement. */
const ROW_COLUMNS: readonly [string, keyof UsageRow][] = [
  ["customer_id", "customerId"],
  ["customer_name", "customerName"],
  ["usage_date", "usageDate"],
  ["entitlement_id", "entitlementId"],
  ["subscription_id", "subscriptionId"],
  ["meter_id", "meterId"],
  ["meter_name", "meterName"],
  ["meter_category", "meterCategory"],
  ["resource_uri", "resourceUri"],
  ["resource_location", "resourceLocation"],
  ["charge_type", "chargeType"],
  ["unit", "unit"],
  ["quantity", "quantity"],
  ["unit_price", "unitPrice"],
  ["effective_unit_price", "effectiveUnitPrice"],
  ["pricing_currency", "pricingCurrency"],
  ["billing_currency", "billingCurrency"],
  ["pc_to_bc_exchange_rate", "pcToBCExchangeRate"],
  ["pc_to_bc_exchange_rate_date", "pcToBCExchangeRateDate"],
  ["partner_earned_credit_rate", "partnerEarnedCreditRate"],
];

export const ROW_COLUMN_LIST = sql.raw(ROW_COLUMNS.map(([c]) => c).join(", "));

/**
 * The rows' natural keys and columns as arrays, one parameter each, for `unnest(...)`: a batch is one statement
 * with a fixed number of parameters, whatever its size.
 */
export const rowArrays = (rows: readonly (UsageRow & { naturalKey: string })[]): SQL =>
  sql.join(
    [
      sql`${sql.param(rows.map((r) => r.naturalKey))}::text[]`,
      ...ROW_COLUMNS.map(([, field]) => sql`${sql.param(rows.map((r) => r[field]))}::text[]`),
    ],
    sql`, `,
  );

/** Rows a statement returned, whichever driver ran it. */
export const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

export function createImportStore(deps: Pick<BillingUsageDeps, "db" | "clock">) {
  const { db } = deps;

  const get = async (id: string): Promise<UsageImport | null> =>
    (await db.select().from(usageImports).where(eq(usageImports.id, id)))[0] ?? null;

  return {
    get,

    /** The import `key` names, made (state staging) if there is none: reading the same thing again finds it. */
    async findOrCreate(input: NewImport): Promise<UsageImport> {
      const now = deps.clock.now();
      await db
        .insert(usageImports)
        .values({ id: newId("usageImport", now), ...input, state: "staging", startedAt: now, updatedAt: now })
        .onConflictDoNothing();
      const [found] = await db
        .select()
        .from(usageImports)
        .where(
          and(
            eq(usageImports.source, input.source),
            eq(usageImports.kind, input.kind),
            eq(usageImports.key, input.key),
          ),
        );
      if (!found) throw new Error(`usage import ${input.key} vanished right after it was recorded`);
      return found;
    },

    /**
     * Pulls (not files: a file import resumes when the file is imported again) left in staging or publishing with no
     * progress since `before`: a worker stopped in the middle of them.
     */
    async stalledPulls(before: Date): Promise<UsageImport[]> {
      return db
        .select()
        .from(usageImports)
        .where(
          and(
            ne(usageImports.source, "file"),
            inArray(usageImports.state, ["staging", "publishing"]),
            lt(usageImports.updatedAt, before),
          ),
        )
        .orderBy(usageImports.id);
    },

    /** When the newest scheduled pull (started by the system, not by an operator) began; null if none ever did. */
    async lastScheduledPull(): Promise<Date | null> {
      const [last] = await db
        .select({ startedAt: usageImports.startedAt })
        .from(usageImports)
        .where(and(ne(usageImports.source, "file"), eq(usageImports.startedBy, "system")))
        .orderBy(desc(usageImports.startedAt))
        .limit(1);
      return last?.startedAt ?? null;
    },

    /** Newest first. */
    async list(page: Page): Promise<PageOf<UsageImport>> {
      const rows = await db
        .select()
        .from(usageImports)
        .where(page.after ? lt(usageImports.id, page.after) : undefined)
        .orderBy(desc(usageImports.id))
        .limit(page.limit + 1);
      return pageOf(rows, page.limit, (r) => r.id);
    },

    async quarantineOf(importId: string, limit: number): Promise<QuarantinedRow[]> {
      const rows = await db
        .select()
        .from(usageQuarantine)
        .where(eq(usageQuarantine.importId, importId))
        .orderBy(usageQuarantine.line)
        .limit(limit);
      return rows.map((r) => ({ line: r.line, code: r.code as QuarantinedRow["code"], reason: r.reason }));
    },

    async fail(id: string, error: { code: string; message: string }): Promise<void> {
      const now = deps.clock.now();
      await db
        .update(usageImports)
        .set({
          state: "failed",
          error: { code: error.code, message: error.message },
          updatedAt: now,
          finishedAt: now,
        })
        .where(eq(usageImports.id, id));
    },

    /**
     * Stages one batch in one transaction: its rows, its quarantined rows and how far the import got. Writing a line
     * twice adds nothing; `from` is where the batch starts, and a batch whose import has moved elsewhere (another
     * process staged it meanwhile) is rolled back with ImportMovedOn. The last batch (`last`) moves the import on to
     * publishing in the same transaction.
     */
    async commitBatch(
      importId: string,
      batch: { from: number; end: BatchEnd; rows: StagedRow[]; quarantined: QuarantinedRow[]; last: boolean },
    ): Promise<void> {
      const now = deps.clock.now();
      await db.transaction(async (tx) => {
        let staged = 0;
        if (batch.rows.length > 0) {
          const inserted = await tx.execute(sql`
            INSERT INTO usage_import_rows (import_id, line, natural_key, ${ROW_COLUMN_LIST})
            SELECT ${importId}, * FROM unnest(${sql.param(batch.rows.map((r) => r.line))}::bigint[], ${rowArrays(batch.rows)})
            ON CONFLICT (import_id, line) DO NOTHING
            RETURNING 1`);
          staged = rowsOf(inserted).length;
        }
        let quarantined = 0;
        if (batch.quarantined.length > 0) {
          const q = batch.quarantined;
          const inserted = await tx.execute(sql`
            INSERT INTO usage_quarantine (import_id, line, code, reason)
            SELECT ${importId}, * FROM unnest(
              ${sql.param(q.map((r) => r.line))}::bigint[],
              ${sql.param(q.map((r) => r.code))}::text[],
              ${sql.param(q.map((r) => r.reason))}::text[])
            ON CONFLICT (import_id, line) DO NOTHING
            RETURNING 1`);
          quarantined = rowsOf(inserted).length;
        }
        const moved = await tx
          .update(usageImports)
          .set({
            committedLine: batch.end.line,
            committedOffset: batch.end.offset,
            rowsStaged: sql`${usageImports.rowsStaged} + ${staged}`,
            rowsQuarantined: sql`${usageImports.rowsQuarantined} + ${quarantined}`,
            updatedAt: now,
            ...(batch.last ? { state: "publishing" as const } : {}),
          })
          .where(
            and(
              eq(usageImports.id, importId),
              eq(usageImports.state, "staging"),
              eq(usageImports.committedOffset, batch.from),
            ),
          )
          .returning({ id: usageImports.id });
        if (moved.length === 0) throw new ImportMovedOn(importId);
      });
    },
  };
}

export type ImportStore = ReturnType<typeof createImportStore>;
