import { and, asc, eq, inArray } from "drizzle-orm";
import type { Executor } from "../../../platform/db/types.ts";
import { migrationSubscriptions, technicalTasks } from "../tables.ts";

export type Offer = "AzurePlan" | "PayAsYouGo" | "EnterpriseAgreement" | "MSDN" | "Other";
/** What becomes of a tenant's subscription: already the partner's, transferred whole, moved into a new one, or blocked. */
export type Disposition = "under_management" | "transfer" | "move" | "other_partner";
export type TaskKind = "transfer_subscription" | "move_resources";

export type FoundSubscription = {
  subscriptionId: string;
  displayName: string;
  quotaId: string;
  managedByTenants: string[];
};

export type SubscriptionRow = typeof migrationSubscriptions.$inferSelect;
export type TaskRow = typeof technicalTasks.$inferSelect;

/** ARM's quota id names the offer before its date, e.g. `PayAsYouGo_2014-09-01`. */
export function offerOf(quotaId: string): Offer {
  const name = quotaId.split("_")[0] ?? "";
  if (name === "CSP") return "AzurePlan";
  if (name === "PayAsYouGo" || name === "EnterpriseAgreement" || name === "MSDN") return name;
  return "Other";
}

const OFFER_NAMES: Record<Offer, string> = {
  AzurePlan: "Azure plan",
  PayAsYouGo: "pay-as-you-go",
  EnterpriseAgreement: "Enterprise Agreement",
  MSDN: "Visual Studio (MSDN)",
  Other: "other offer",
};
export const offerName = (o: Offer) => OFFER_NAMES[o];

/**
 * Seed 004: a basic pay-as-you-go subscription transfers whole into the partner's care (a metadata move, no outage);
 * any other offer (an Enterprise Agreement, MSDN) cannot, so its resources move into a new subscription and lose
 * their Microsoft pricing. An Azure-plan subscription is already under a CSP partner: this one, or another.
 */
export function dispositionOf(
  s: FoundSubscription,
  partnerTenantId: string,
): { disposition: Disposition; otherPartners: string[] } {
  const offer = offerOf(s.quotaId);
  const ours = partnerTenantId.toLowerCase();
  if (offer === "AzurePlan")
    return s.managedByTenants.includes(ours)
      ? { disposition: "under_management", otherPartners: [] }
      : { disposition: "other_partner", otherPartners: s.managedByTenants.filter((t) => t !== ours) };
  return { disposition: offer === "PayAsYouGo" ? "transfer" : "move", otherPartners: [] };
}

/** The task a subscription needs from the technical account manager, if any. */
export function taskFor(
  s: FoundSubscription,
  disposition: Disposition,
): { kind: TaskKind; title: string; instructions: string } | null {
  const offer = offerName(offerOf(s.quotaId));
  if (disposition === "transfer")
    return {
      kind: "transfer_subscription",
      title: `Transfer "${s.displayName}" (${offer}) into the partner's care`,
      instructions: [
        `Subscription ${s.subscriptionId} has basic pay-as-you-go pricing, so it transfers whole: a metadata move,`,
        "no outage. 1. Ask the customer's Azure administrator to give the partner's technical account manager Owner on",
        "the subscription. 2. Request the transfer of its billing to the partner's Azure plan and have the customer's",
        "billing administrator approve it. Partner Cloud sees the transfer in Azure and completes this task itself;",
        "complete it by hand only once Azure shows the subscription under the partner.",
      ].join(" "),
    };
  if (disposition === "move")
    return {
      kind: "move_resources",
      title: `Move the resources of "${s.displayName}" (${offer}) into a new subscription`,
      instructions: [
        `Subscription ${s.subscriptionId} is bought under an ${offer} and cannot move as it is; its resources move`,
        "into a new subscription under the partner and its Microsoft pricing ends. 1. Ask the customer's Azure",
        "administrator to give the partner's technical account manager Owner on the subscription. 2. Create a new",
        "subscription for the customer under the partner's Azure plan. 3. Move the resources into it (Azure resource",
        "move: check first that each resource type can move). 4. Complete this task with the new subscription's id.",
      ].join(" "),
    };
  return null;
}

/** The subscriptions of migration runs and the technical account manager's tasks about them. */
export const subscriptionRecords = {
  async ofRun(db: Executor, runId: string): Promise<SubscriptionRow[]> {
    return db
      .select()
      .from(migrationSubscriptions)
      .where(eq(migrationSubscriptions.runId, runId))
      .orderBy(asc(migrationSubscriptions.displayName), asc(migrationSubscriptions.subscriptionId));
  },

  async tasksOfRun(db: Executor, runId: string): Promise<TaskRow[]> {
    return db
      .select()
      .from(technicalTasks)
      .where(eq(technicalTasks.runId, runId))
      .orderBy(asc(technicalTasks.createdAt), asc(technicalTasks.id));
  },

  async tasks(db: Executor, states: readonly string[], limit: number): Promise<TaskRow[]> {
    return db
      .select()
      .from(technicalTasks)
      .where(inArray(technicalTasks.state, [...states]))
      .orderBy(asc(technicalTasks.createdAt), asc(technicalTasks.id))
      .limit(limit);
  },

  async task(db: Executor, taskId: string): Promise<TaskRow | null> {
    const [row] = await db.select().from(technicalTasks).where(eq(technicalTasks.id, taskId));
    return row ?? null;
  },

  /** Records what was found; a row or task already recorded (a step attempted again) is kept as it was. */
  async plan(tx: Executor, rows: SubscriptionRow[], tasks: TaskRow[]): Promise<void> {
    if (tasks.length) await tx.insert(technicalTasks).values(tasks).onConflictDoNothing();
    if (rows.length) await tx.insert(migrationSubscriptions).values(rows).onConflictDoNothing();
  },

  /** A subscription now under the partner, managed as `target` (itself, or the one its resources moved into). */
  async underManagement(
    tx: Executor,
    runId: string,
    subscriptionId: string,
    target: string,
    at: Date,
  ): Promise<boolean> {
    const rows = await tx
      .update(migrationSubscriptions)
      .set({ state: "under_management", targetSubscriptionId: target, updatedAt: at })
      .where(
        and(
          eq(migrationSubscriptions.runId, runId),
          eq(migrationSubscriptions.subscriptionId, subscriptionId),
          inArray(migrationSubscriptions.state, ["waiting", "blocked"]),
        ),
      )
      .returning({ id: migrationSubscriptions.subscriptionId });
    return rows.length === 1;
  },

  /** Closes an open task; false when it was no longer open (completed twice, or by Partner Cloud meanwhile). */
  async completeTask(
    tx: Executor,
    taskId: string,
    p: { by: string; note: string | null; target: string | null; at: Date },
  ): Promise<TaskRow | null> {
    const [row] = await tx
      .update(technicalTasks)
      .set({
        state: "done",
        completedBy: p.by,
        completedAt: p.at,
        note: p.note,
        targetSubscriptionId: p.target,
        updatedAt: p.at,
      })
      .where(and(eq(technicalTasks.id, taskId), eq(technicalTasks.state, "open")))
      .returning();
    return row ?? null;
  },

  /** The organization keeps a subscription out of the migration: it stays as it is, and its task is cancelled. */
  async leaveOut(
    tx: Executor,
    runId: string,
    subscriptionId: string,
    at: Date,
  ): Promise<SubscriptionRow | null> {
    const [row] = await tx
      .update(migrationSubscriptions)
      .set({ state: "left_out", updatedAt: at })
      .where(
        and(
          eq(migrationSubscriptions.runId, runId),
          eq(migrationSubscriptions.subscriptionId, subscriptionId),
          inArray(migrationSubscriptions.state, ["waiting", "blocked"]),
        ),
      )
      .returning();
    if (!row) return null;
    await tx
      .update(technicalTasks)
      .set({ state: "cancelled", updatedAt: at })
      .where(
        and(
          eq(technicalTasks.runId, runId),
          eq(technicalTasks.subscriptionId, subscriptionId),
          eq(technicalTasks.state, "open"),
        ),
      );
    return row;
  },

  async cancelTasksOfRun(tx: Executor, runId: string, at: Date): Promise<void> {
    await tx
      .update(technicalTasks)
      .set({ state: "cancelled", updatedAt: at })
      .where(and(eq(technicalTasks.runId, runId), eq(technicalTasks.state, "open")));
  },
};
