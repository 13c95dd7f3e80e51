import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { usageMonths, usageRows, usageSnapshots } from "../tables.ts";
import type { BillingUsageDeps } from "./deps.ts";
import type { UsageRow } from "./usage-row.ts";

/** The current (highest) version of one customer's day. */
export type CurrentSnapshot = {
  id: number;
  customerId: string;
  usageDate: string;
  version: number;
  billed: boolean;
};

/**
 * A published row: the snapshot it belongs to, the billing period whose download brought it, its natural key and its
 * columns (decimal strings as stored).
 */
export type SnapshotRow = UsageRow & { snapshotId: number; billingPeriod: string; naturalKey: string };

export type MonthState = {
  customerId: string;
  month: string;
  state: "provisional" | "final";
  finalImportId: string | null;
};

const ROWS_PER_READ = 5000;

/** What billing reads: the current versions of a month's days, their rows, and whether each month is final. */
export function createUsageReads(deps: Pick<BillingUsageDeps, "db">) {
  const { db } = deps;
  return {
    /** Per customer and day of `month` (YYYY-MM), its current version; optionally only some customers. */
    async currentSnapshots(query: {
      month: string;
      customerIds?: readonly string[];
    }): Promise<CurrentSnapshot[]> {
      const t = usageSnapshots;
      return db
        .selectDistinctOn([t.customerId, t.usageDate], {
          id: t.id,
          customerId: t.customerId,
          usageDate: t.usageDate,
          version: t.version,
          billed: t.billed,
        })
        .from(t)
        .where(
          and(
            eq(t.month, query.month),
            query.customerIds ? inArray(t.customerId, [...query.customerIds]) : undefined,
          ),
        )
        .orderBy(t.customerId, t.usageDate, desc(t.version));
    },

    /** The rows of these snapshots, read a few thousand at a time, in snapshot, billing period and natural key order. */
    async *snapshotRows(snapshotIds: readonly number[]): AsyncGenerator<SnapshotRow> {
      const ids = [...new Set(snapshotIds)].sort((a, b) => a - b);
      for (let i = 0; i < ids.length; i += 500) {
        const some = ids.slice(i, i + 500);
        let after: { snapshotId: number; billingPeriod: string; naturalKey: string } | null = null;
        for (;;) {
          const r = usageRows;
          const page: SnapshotRow[] = await db
            .select()
            .from(r)
            .where(
              and(
                inArray(r.snapshotId, some),
                after
                  ? sql`(${r.snapshotId}, ${r.billingPeriod}, ${r.naturalKey}) > (${after.snapshotId}, ${after.billingPeriod}, ${after.naturalKey})`
                  : undefined,
              ),
            )
            .orderBy(asc(r.snapshotId), asc(r.billingPeriod), asc(r.naturalKey))
            .limit(ROWS_PER_READ);
          yield* page;
          const last = page.at(-1);
          if (!last || page.length < ROWS_PER_READ) break;
          after = {
            snapshotId: last.snapshotId,
            billingPeriod: last.billingPeriod,
            naturalKey: last.naturalKey,
          };
        }
      }
    },

    /** Whether each customer's `month` is provisional (unbilled data only) or final (Microsoft's invoice is in). */
    async monthStates(month: string, customerIds?: readonly string[]): Promise<MonthState[]> {
      return db
        .select({
          customerId: usageMonths.customerId,
          month: usageMonths.month,
          state: usageMonths.state,
          finalImportId: usageMonths.finalImportId,
        })
        .from(usageMonths)
        .where(
          and(
            eq(usageMonths.month, month),
            customerIds ? inArray(usageMonths.customerId, [...customerIds]) : undefined,
          ),
        )
        .orderBy(usageMonths.customerId);
    },
  };
}
