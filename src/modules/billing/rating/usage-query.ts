import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../../platform/db/types.ts";
import { usageMonths, usageRows, usageSnapshots } from "../tables.ts";

/** A usage row as published: one of a snapshot's deduplicated rows. */
export type UsageRowRecord = typeof usageRows.$inferSelect;

/** One snapshot of the month's current versions, and how many of its rows bill one Azure subscription. */
export type SnapshotPart = {
  snapshotId: number;
  customerId: string;
  customerName: string;
  usageDate: string;
  billed: boolean;
  entitlementId: string;
  rows: number;
};

/** The current version of every (customer, day) of a month: the highest. */
function currentSnapshots(db: Db, month: string) {
  return db
    .selectDistinctOn([usageSnapshots.customerId, usageSnapshots.usageDate], {
      id: usageSnapshots.id,
      customerId: usageSnapshots.customerId,
      usageDate: usageSnapshots.usageDate,
      billed: usageSnapshots.billed,
    })
    .from(usageSnapshots)
    .where(eq(usageSnapshots.month, month))
    .orderBy(usageSnapshots.customerId, usageSnapshots.usageDate, desc(usageSnapshots.version))
    .as("current");
}

/** The month's current snapshots, split by the Azure subscription of their rows (routing is per subscription). */
export async function snapshotParts(db: Db, month: string): Promise<SnapshotPart[]> {
  const current = currentSnapshots(db, month);
  return db
    .select({
      snapshotId: current.id,
      customerId: current.customerId,
      customerName: sql<string>`max(${usageRows.customerName})`,
      usageDate: current.usageDate,
      billed: current.billed,
      entitlementId: usageRows.entitlementId,
      rows: sql<number>`count(*)::int`,
    })
    .from(current)
    .innerJoin(usageRows, eq(usageRows.snapshotId, current.id))
    .groupBy(current.id, current.customerId, current.usageDate, current.billed, usageRows.entitlementId)
    .orderBy(current.customerId, current.usageDate, usageRows.entitlementId);
}

/** The state of each customer's month (`provisional` or `final`); a customer without a row is provisional. */
export async function monthStates(
  db: Db,
  month: string,
  customerIds: readonly string[],
): Promise<Map<string, "provisional" | "final">> {
  const states = new Map<string, "provisional" | "final">();
  for (let i = 0; i < customerIds.length; i += CHUNK) {
    const rows = await db
      .select({ customerId: usageMonths.customerId, state: usageMonths.state })
      .from(usageMonths)
      .where(
        and(eq(usageMonths.month, month), inArray(usageMonths.customerId, customerIds.slice(i, i + CHUNK))),
      );
    for (const r of rows) states.set(r.customerId, r.state);
  }
  return states;
}

const CHUNK = 500;
const PAGE = 5000;

/**
 * The rows of some snapshots, a page at a time in (snapshot, billing period, natural key) order, so a month of millions of rows
 * never sits in memory at once.
 */
export async function* rowsOf(db: Db, snapshotIds: readonly number[]): AsyncGenerator<UsageRowRecord> {
  const ids = [...new Set(snapshotIds)].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    let after: { snapshotId: number; billingPeriod: string; naturalKey: string } | null = null;
    for (;;) {
      const page: UsageRowRecord[] = await db
        .select()
        .from(usageRows)
        .where(
          and(
            inArray(usageRows.snapshotId, chunk),
            after
              ? sql`(${usageRows.snapshotId}, ${usageRows.billingPeriod}, ${usageRows.naturalKey}) > (${after.snapshotId}, ${after.billingPeriod}, ${after.naturalKey})`
              : undefined,
          ),
        )
        .orderBy(asc(usageRows.snapshotId), asc(usageRows.billingPeriod), asc(usageRows.naturalKey))
        .limit(PAGE);
      yield* page;
      const last = page.at(-1);
      if (!last || page.length < PAGE) break;
      after = { snapshotId: last.snapshotId, billingPeriod: last.billingPeriod, naturalKey: last.naturalKey };
    }
  }
}
