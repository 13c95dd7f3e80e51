import { and, eq, lte } from "drizzle-orm";
import type { GovernanceDeps } from "./deps.ts";
import { driftCheckLeases } from "./tables.ts";

/**
 * Leases on subscriptions, so that of several worker processes only one checks a subscription at a time. A row,
 * not an advisory lock: a check makes slow calls to Azure, and a transaction held open across them would pin a
 * connection (and on PGlite hold up every other query). A lease outlives a crashed holder by at most `ttlMs`.
 */
export function createLeases(deps: Pick<GovernanceDeps, "db" | "clock">, holder: string, ttlMs: number) {
  return {
    /** Takes the subscription's lease if it is free or expired; false when another holder has it. */
    async take(subscriptionId: string): Promise<boolean> {
      const now = deps.clock.now();
      const expiresAt = new Date(now.getTime() + ttlMs);
      const [row] = await deps.db
        .insert(driftCheckLeases)
        .values({ subscriptionId, holder, expiresAt })
        .onConflictDoUpdate({
          target: driftCheckLeases.subscriptionId,
          set: { holder, expiresAt },
          setWhere: lte(driftCheckLeases.expiresAt, now),
        })
        .returning({ holder: driftCheckLeases.holder });
      return row?.holder === holder;
    },

    async release(subscriptionId: string): Promise<void> {
      await deps.db
        .delete(driftCheckLeases)
        .where(and(eq(driftCheckLeases.subscriptionId, subscriptionId), eq(driftCheckLeases.holder, holder)));
    },
  };
}
