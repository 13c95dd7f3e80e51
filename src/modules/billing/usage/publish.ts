import { and, desc, eq, sql } from "drizzle-orm";
import { usageImports, usageSnapshots } from "../tables.ts";
import type { BillingUsageDeps } from "./deps.ts";
import { ROW_COLUMN_LIST, rowArrays, rowsOf, type UsageImport } from "./import-store.ts";
import { contentHashOf, type UsageRow } from "./usage-row.ts";

type StagedDbRow = { line: string | number; natural_key: string } & Record<string, string>;

/** A staged row read back: snake_case columns to the row's fields. */
const fromDb = (r: StagedDbRow): UsageRow & { naturalKey: string } => ({
  naturalKey: r.natural_key,
  customerId: r["customer_id"] ?? "",
  customerName: r["customer_name"] ?? "",
  usageDate: r["usage_date"] ?? "",
  entitlementId: r["entitlement_id"] ?? "",
  subscriptionId: r["subscription_id"] ?? "",
  meterId: r["meter_id"] ?? "",
  meterName: r["meter_name"] ?? "",
  meterCategory: r["meter_category"] ?? "",
  resourceUri: r["resource_uri"] ?? "",
  resourceLocation: r["resource_location"] ?? "",
  chargeType: r["charge_type"] ?? "",
  unit: r["unit"] ?? "",
  quantity: r["quantity"] ?? "",
  unitPrice: r["unit_price"] ?? "",
  effectiveUnitPrice: r["effective_unit_price"] ?? "",
  pricingCurrency: r["pricing_currency"] ?? "",
  billingCurrency: r["billing_currency"] ?? "",
  pcToBCExchangeRate: r["pc_to_bc_exchange_rate"] ?? "",
  pcToBCExchangeRateDate: r["pc_to_bc_exchange_rate_date"] ?? "",
  partnerEarnedCreditRate: r["partner_earned_credit_rate"] ?? "",
});

/** After each customer-day is settled: a progress report (tests stop publishing here). */
export type PublishHooks = {
  onGroup?: (group: { customerId: string; usageDate: string }) => void | Promise<void>;
};

/**
 * The billing period an import's rows came in: the month an unbilled pull asked for, or later if its rows reach a
 * later month (Microsoft's clock ahead of ours); for a file or an invoice, the latest usage month among its rows,
 * since on-time usage is billed in its own month and only latent usage of earlier days comes later. Recorded on the
 * import, so a resumed publish uses the same period.
 */
async function periodOf(deps: Pick<BillingUsageDeps, "db">, imported: UsageImport): Promise<string> {
  const [latest] = rowsOf<{ month: string | null }>(
    await deps.db.execute(
      sql`SELECT max(substr(usage_date, 1, 7)) AS month FROM usage_import_rows WHERE import_id = ${imported.id}`,
    ),
  );
  const candidates = [imported.billingPeriod, latest?.month].filter((m): m is string => !!m).sort();
  const period = candidates.at(-1) ?? "";
  if (period !== imported.billingPeriod)
    await deps.db.update(usageImports).set({ billingPeriod: period }).where(eq(usageImports.id, imported.id));
  return period;
}

/**
 * Publishes a staged import: per customer and day, its rows settled by natural key (the last line wins), and a new
 * version of that day when they differ from what the day holds of the import's billing period; the day's rows of
 * other periods (latent usage billed later, or the on-time usage a later period's latent rows join) are kept. Each
 * day is its own transaction and is published at most once per import (usage_snapshots_import_key), so publishing
 * resumes after a crash; the counts and the months are written once, with the state `done`.
 */
export async function publishImport(
  deps: Pick<BillingUsageDeps, "db" | "clock">,
  imported: UsageImport,
  hooks: PublishHooks = {},
): Promise<void> {
  const { db } = deps;
  const billed = imported.kind === "billed";
  const period = await periodOf(deps, imported);
  const groups = rowsOf<{ customer_id: string; usage_date: string }>(
    await db.execute(sql`
      SELECT r.customer_id, r.usage_date FROM usage_import_rows r
      WHERE r.import_id = ${imported.id}
        AND NOT EXISTS (SELECT 1 FROM usage_snapshots s
          WHERE s.import_id = r.import_id AND s.customer_id = r.customer_id AND s.usage_date = r.usage_date)
      GROUP BY r.customer_id, r.usage_date
      ORDER BY r.customer_id, r.usage_date`),
  );

  for (const { customer_id: customerId, usage_date: usageDate } of groups) {
    const staged = rowsOf<StagedDbRow>(
      await db.execute(sql`
        SELECT line, natural_key, ${ROW_COLUMN_LIST} FROM usage_import_rows
        WHERE import_id = ${imported.id} AND customer_id = ${customerId} AND usage_date = ${usageDate}
        ORDER BY line`),
    );
    // The last line of a natural key wins: a restated row replaces the earlier one, a duplicate counts once.
    const settled = new Map<string, UsageRow & { naturalKey: string }>();
    for (const r of staged) settled.set(r.natural_key, fromDb(r));
    const rows = [...settled.values()];
    const contentHash = contentHashOf(rows);

    await db.transaction(async (tx) => {
      await tx.execute(
        sql`SELECT pg_advisory_xact_lock(hashtext(${`usage_day:${customerId}:${usageDate}`}))`,
      );
      const [current] = await tx
        .select({
          id: usageSnapshots.id,
          version: usageSnapshots.version,
          importId: usageSnapshots.importId,
          periods: usageSnapshots.periods,
        })
        .from(usageSnapshots)
        .where(and(eq(usageSnapshots.customerId, customerId), eq(usageSnapshots.usageDate, usageDate)))
        .orderBy(desc(usageSnapshots.version))
        .limit(1);
      if (current?.importId === imported.id) return;
      const mine = current?.periods[period];
      // Microsoft's invoice is final: an unbilled reading of a billed period of the day changes nothing.
      if (mine?.billed && !billed) return;
      if (mine && mine.hash === contentHash && mine.billed === billed) return;
      const periods = { ...current?.periods, [period]: { hash: contentHash, billed, rows: rows.length } };
      const all = Object.values(periods);
      const [snapshot] = await tx
        .insert(usageSnapshots)
        .values({
          customerId,
          usageDate,
          month: usageDate.slice(0, 7),
          version: (current?.version ?? 0) + 1,
          importId: imported.id,
          billed: all.every((p) => p.billed),
          rowCount: all.reduce((n, p) => n + p.rows, 0),
          periods,
          createdAt: deps.clock.now(),
        })
        .returning({ id: usageSnapshots.id });
      if (!snapshot) throw new Error("a snapshot insert returned no id");
      await tx.execute(sql`
        INSERT INTO usage_rows (snapshot_id, billing_period, natural_key, ${ROW_COLUMN_LIST})
        SELECT ${snapshot.id}, ${period}, * FROM unnest(${rowArrays(rows)})`);
      if (current && all.length > 1)
        await tx.execute(sql`
          INSERT INTO usage_rows (snapshot_id, billing_period, natural_key, ${ROW_COLUMN_LIST})
          SELECT ${snapshot.id}, billing_period, natural_key, ${ROW_COLUMN_LIST} FROM usage_rows
          WHERE snapshot_id = ${current.id} AND billing_period <> ${period}`);
    });
    await hooks.onGroup?.({ customerId, usageDate });
  }

  const now = deps.clock.now();
  await db.transaction(async (tx) => {
    if (billed)
      await tx.execute(sql`
        INSERT INTO usage_months (customer_id, month, state, final_import_id, updated_at)
        SELECT DISTINCT customer_id, substr(usage_date, 1, 7), 'final', ${imported.id}, ${now.toISOString()}::timestamptz
        FROM usage_import_rows WHERE import_id = ${imported.id}
        ON CONFLICT (customer_id, month) DO UPDATE
          SET state = 'final', final_import_id = excluded.final_import_id, updated_at = excluded.updated_at
          WHERE usage_months.state <> 'final'`);
    else
      await tx.execute(sql`
        INSERT INTO usage_months (customer_id, month, state, updated_at)
        SELECT DISTINCT customer_id, substr(usage_date, 1, 7), 'provisional', ${now.toISOString()}::timestamptz
        FROM usage_import_rows WHERE import_id = ${imported.id}
        ON CONFLICT (customer_id, month) DO NOTHING`);
    const [counts] = rowsOf<{ days: string | number; created: string | number }>(
      await tx.execute(sql`
        SELECT
          (SELECT count(*) FROM (SELECT DISTINCT customer_id, usage_date FROM usage_import_rows
            WHERE import_id = ${imported.id}) d) AS days,
          (SELECT count(*) FROM usage_snapshots WHERE import_id = ${imported.id}) AS created`),
    );
    const days = Number(counts?.days ?? 0);
    const created = Number(counts?.created ?? 0);
    await tx
      .update(usageImports)
      .set({
        state: "done",
        snapshotsCreated: created,
        snapshotsUnchanged: days - created,
        updatedAt: now,
        finishedAt: now,
      })
      .where(and(eq(usageImports.id, imported.id), eq(usageImports.state, "publishing")));
  });
}
