import { and, desc, eq, lt } from "drizzle-orm";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import type { AuditActor } from "../audit/index.ts";
import type { GovernanceDeps, ManagedSubscription } from "./deps.ts";
import { driftFindings, type findingKinds, type findingSeverities } from "./tables.ts";

export type DriftFindingKind = (typeof findingKinds)[number];
export type DriftFindingSeverity = (typeof findingSeverities)[number];

export type DriftFinding = {
  id: string;
  providerId: string;
  orgId: string;
  subscriptionId: string;
  kind: DriftFindingKind;
  severity: DriftFindingSeverity;
  status: "open" | "resolved";
  message: string;
  fix: string | null;
  detectedAt: Date;
  resolvedAt: Date | null;
};

type Problem = {
  kind: DriftFindingKind;
  severity: DriftFindingSeverity;
  message: string;
  fix: string | null;
};

/** The drift findings table: open problems (one per subscription and kind), repairs, and their resolution. */
export function createFindings(deps: Pick<GovernanceDeps, "db" | "audit" | "clock">) {
  const { db } = deps;

  const target = (m: ManagedSubscription, findingId: string) => ({
    orgId: m.orgId,
    targetType: "drift_finding",
    targetId: findingId,
  });

  return {
    /**
     * Records an open problem, unless one of the same kind is already open for the subscription: then that one is
     * returned and `created` is false.
     */
    open: async (
      actor: AuditActor,
      m: ManagedSubscription,
      problem: Problem,
    ): Promise<{ finding: DriftFinding; created: boolean }> => {
      const at = deps.clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(driftFindings)
          .values({
            id: newId("driftFinding", at),
            providerId: m.providerId,
            orgId: m.orgId,
            subscriptionId: m.subscriptionId,
            ...problem,
            status: "open",
            detectedAt: at,
          })
          .onConflictDoNothing()
          .returning();
        if (row) {
          await deps.audit.record(tx, actor, {
            ...target(m, row.id),
            action: `drift.${problem.kind}`,
            details: { providerId: m.providerId, subscriptionId: m.subscriptionId, message: problem.message },
          });
          return { finding: row, created: true };
        }
        const [existing] = await tx
          .select()
          .from(driftFindings)
          .where(
            and(
              eq(driftFindings.subscriptionId, m.subscriptionId),
              eq(driftFindings.kind, problem.kind),
              eq(driftFindings.status, "open"),
            ),
          );
        if (!existing) throw new Error(`drift finding ${problem.kind} for ${m.subscriptionId} vanished`);
        return { finding: existing, created: false };
      });
    },

    /** Records a repair Partner Cloud made itself: a finding that is resolved as it is detected. */
    repaired: async (actor: AuditActor, m: ManagedSubscription, problem: Problem): Promise<DriftFinding> => {
      const at = deps.clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(driftFindings)
          .values({
            id: newId("driftFinding", at),
            providerId: m.providerId,
            orgId: m.orgId,
            subscriptionId: m.subscriptionId,
            ...problem,
            status: "resolved",
            detectedAt: at,
            resolvedAt: at,
          })
          .returning();
        if (!row) throw new Error("inserting a drift finding returned no row");
        await deps.audit.record(tx, actor, {
          ...target(m, row.id),
          action: `drift.${problem.kind}`,
          details: { providerId: m.providerId, subscriptionId: m.subscriptionId, message: problem.message },
        });
        return row;
      });
    },

    /** Resolves the open finding of this kind for the subscription, if there is one (a later check found it fixed). */
    resolve: async (
      actor: AuditActor,
      m: ManagedSubscription,
      kind: DriftFindingKind,
    ): Promise<DriftFinding | null> => {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(driftFindings)
          .set({ status: "resolved", resolvedAt: deps.clock.now() })
          .where(
            and(
              eq(driftFindings.subscriptionId, m.subscriptionId),
              eq(driftFindings.kind, kind),
              eq(driftFindings.status, "open"),
            ),
          )
          .returning();
        if (!row) return null;
        await deps.audit.record(tx, actor, {
          ...target(m, row.id),
          action: "drift.finding_resolved",
          details: { providerId: m.providerId, subscriptionId: m.subscriptionId, kind },
        });
        return row;
      });
    },

    /** A provider's findings, newest first. */
    findingsOf: (providerId: string): Promise<DriftFinding[]> =>
      db
        .select()
        .from(driftFindings)
        .where(eq(driftFindings.providerId, providerId))
        .orderBy(desc(driftFindings.id)),

    /** Every open finding, newest first. */
    openFindings: (): Promise<DriftFinding[]> =>
      db.select().from(driftFindings).where(eq(driftFindings.status, "open")).orderBy(desc(driftFindings.id)),

    /** A page of findings across all providers, newest first, optionally only open or only resolved ones. */
    list: async (filter: { status?: "open" | "resolved" }, page: Page): Promise<PageOf<DriftFinding>> => {
      const rows = await db
        .select()
        .from(driftFindings)
        .where(
          and(
            filter.status ? eq(driftFindings.status, filter.status) : undefined,
            page.after ? lt(driftFindings.id, page.after) : undefined,
          ),
        )
        .orderBy(desc(driftFindings.id))
        .limit(page.limit + 1);
      return pageOf(rows, page.limit, (r) => r.id);
    },
  };
}

export type Findings = ReturnType<typeof createFindings>;
