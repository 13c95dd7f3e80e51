import { SYSTEM_ACTOR } from "../system-actor.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { pollDelayMs } from "../engine/backoff.ts";
import { done, fail, wait, type Step } from "../engine/definitions.ts";
import { outcomeOfError } from "../new-customer/outcomes.ts";
import type { MigrateTenantRunInput } from "./input.ts";
import { dispositionOf, subscriptionRecords, type SubscriptionRow } from "./subscriptions.ts";

/** Azure is read again after 1, 2, 4 … minutes, at most every 15 (completing a task wakes the run sooner). */
const POLLS = { baseMs: 60_000, maxMs: 15 * 60_000 };

const names = (rows: readonly SubscriptionRow[]) => rows.map((r) => `"${r.displayName}"`).join(", ");

/** What the run waits for while some subscriptions are not under the partner yet, and who must act. */
export function waitingForSubscriptions(
  domain: string,
  rows: readonly SubscriptionRow[],
  openTasks: number,
): string {
  const blocked = rows.filter((r) => r.state === "blocked");
  if (blocked.length)
    return `the administrator of ${domain} to end the billing of ${names(blocked)} through another partner: remove that partner in the Microsoft 365 admin center (Settings → Partner relationships), or ask it to transfer the subscription to this partner`;
  if (openTasks)
    return `the partner's technical account manager: ${openTasks} task${openTasks === 1 ? "" : "s"} open`;
  return `Azure to show ${names(rows.filter((r) => r.state === "waiting"))} under the partner`;
}

/**
 * Waits until every subscription of the tenant is under the partner. Azure is read on each poll: a pay-as-you-go
 * subscription whose billing transfer went through, or one another partner let go, is then under management (and
 * its task closes itself). A moved subscription waits for its task, completed with the new subscription's id.
 * Recording what Azure shows is idempotent, so a crash between two records loses nothing.
 */
export function awaitSubscriptionsStep(
  deps: OnboardingDeps,
  ms: () => MicrosoftPorts,
  deadlineMs: number,
): Step<MigrateTenantRunInput> {
  return {
    id: "await-subscriptions",
    deadlineMs,
    async run(ctx) {
      const before = await subscriptionRecords.ofRun(deps.db, ctx.runId);
      const watched = before.filter(
        (r) => (r.state === "waiting" || r.state === "blocked") && r.disposition !== "move",
      );
      const first = watched[0];
      if (first) {
        const listed = await ms().azureResources(first.tenantId).subscriptions();
        if (!listed.ok) return outcomeOfError(listed.error, "Reading the tenant's subscriptions");
        const at = ctx.clock.now();
        for (const r of watched) {
          const s = listed.value.find((x) => x.subscriptionId === r.subscriptionId);
          if (!s?.quotaId) continue;
          const now = dispositionOf(
            {
              subscriptionId: s.subscriptionId,
              displayName: s.displayName,
              quotaId: s.quotaId,
              managedByTenants: [...s.managedByTenants],
            },
            ms().partnerTenantId,
          );
          if (now.disposition !== "under_management") continue;
          await deps.db.transaction(async (tx) => {
            if (
              !(await subscriptionRecords.underManagement(
                tx,
                ctx.runId,
                r.subscriptionId,
                r.subscriptionId,
                at,
              ))
            )
              return;
            if (r.taskId)
              await subscriptionRecords.completeTask(tx, r.taskId, {
                by: "partner-cloud",
                note: "Azure shows the subscription under the partner's Azure plan.",
                target: r.subscriptionId,
                at,
              });
            await deps.audit.record(tx, SYSTEM_ACTOR, {
              orgId: ctx.input.orgId,
              action: "migration.subscription_under_management",
              targetType: "provider",
              targetId: ctx.input.providerId,
              details: { runId: ctx.runId, subscriptionId: r.subscriptionId, displayName: r.displayName },
            });
          });
        }
      }
      const all = await subscriptionRecords.ofRun(deps.db, ctx.runId);
      const rows = all.filter((r) => r.state !== "left_out");
      if (!rows.length)
        return fail({
          code: "no_subscription",
          message:
            "Every subscription of the tenant was left out of the migration, so there is nothing to manage. Delete the provider, or ask the partner's support to start again.",
        });
      if (rows.every((r) => r.state === "under_management"))
        return done({ subscriptionIds: rows.map((r) => r.targetSubscriptionId ?? r.subscriptionId) });
      const tasks = await subscriptionRecords.tasksOfRun(deps.db, ctx.runId);
      const open = tasks.filter((t) => t.state === "open").length;
      const delay = pollDelayMs(ctx.attempt, POLLS);
      const blocked = rows.some((r) => r.state === "blocked");
      return wait({
        untilMs: ctx.clock.now().getTime() + delay,
        reason: blocked
          ? "a subscription is billed through another partner"
          : "some subscriptions are not under the partner yet",
        waitingFor: waitingForSubscriptions(ctx.input.primaryDomain, rows, open),
      });
    },
  };
}
