import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateUsageFile } from "../../src/emulator/usage-generator/index.ts";
import { createAuditLog } from "../../src/modules/audit/index.ts";
import { createBillingUsage, type BillingUsage } from "../../src/modules/billing/usage/index.ts";
import { fakeClock } from "../../src/platform/clock.ts";
import type { Database } from "../../src/platform/db/open-database.ts";

export type ExpectedCustomer = { customerId: string; rows: number; listPrice: string; partnerCost: string };

/** A generated month of usage with duplicates, restated rows and corrections (no late rows), and its expected totals. */
export async function generatedMonth(
  name: string,
  options: { seed?: number; customers?: number; rows?: number } = {},
): Promise<{ file: string; dir: string; expected: ExpectedCustomer[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pc-usage-${name}-`));
  const file = path.join(dir, "usage.csv");
  const summary = await generateUsageFile(
    {
      seed: options.seed ?? 23,
      months: ["2025-03"],
      size: options.rows ? { rows: options.rows } : { customers: options.customers ?? 3 },
      shares: { late: 0, restated: 0.03, duplicates: 0.02, corrections: 0.01, pecChanges: 0.3 },
      currencies: ["USD", "EUR", "JPY", "GBP"],
    },
    file,
  );
  const document = JSON.parse(readFileSync(summary.expectedFile, "utf8")) as {
    customers: ExpectedCustomer[];
  };
  return { file, dir, expected: document.customers };
}

/** The usage store on a database, not connected to Microsoft. */
export function usageStore(database: Database, batchRows?: number): BillingUsage {
  const clock = fakeClock(new Date("2025-04-02T00:00:00Z"));
  return createBillingUsage({
    db: database.db,
    clock,
    audit: createAuditLog({ db: database.db, clock }),
    dialect: database.kind,
    source: "graph",
    microsoft: null,
    ...(batchRows ? { batchRows } : {}),
  });
}

/** Everything an import left in the database, in a stable order: to compare two imports' outcomes. */
export async function storedState(database: Database, importId: string) {
  const q = async (text: string) => (await database.query(text, [importId])).rows;
  return {
    staged: await q(
      "SELECT line, natural_key, customer_id, usage_date, quantity, unit_price, effective_unit_price, partner_earned_credit_rate FROM usage_import_rows WHERE import_id = $1 ORDER BY line",
    ),
    quarantined: await q(
      "SELECT line, code, reason FROM usage_quarantine WHERE import_id = $1 ORDER BY line",
    ),
    snapshots: await q(
      "SELECT customer_id, usage_date, version, billed, row_count, periods FROM usage_snapshots WHERE import_id = $1 ORDER BY customer_id, usage_date",
    ),
    rows: await q(
      "SELECT s.customer_id, s.usage_date, r.billing_period, r.natural_key, r.quantity FROM usage_rows r JOIN usage_snapshots s ON s.id = r.snapshot_id WHERE s.import_id = $1 ORDER BY 1, 2, 3, 4",
    ),
    counts: await q(
      "SELECT state, billing_period, committed_line, committed_offset, rows_staged, rows_quarantined, snapshots_created, snapshots_unchanged FROM usage_imports WHERE id = $1",
    ),
  };
}
