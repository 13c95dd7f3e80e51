import type { Executor } from "../../platform/db/types.ts";
import { customerRecords } from "./customers.ts";
import { SYSTEM_ACTOR } from "./system-actor.ts";
import { subscriptionRecords } from "./migrate-tenant/subscriptions.ts";
import type { OnboardingDeps } from "./deps.ts";
import type { RunEvent, RunEventType } from "./engine/store.ts";

/**
 * Transitions worth a line in the provider's log and an audit record (polls and step starts are not), with the
 * webhook event each announces, if any.
 */
const ANNOUNCED: Partial<Record<RunEventType, { webhook: string | null }>> = {
  run_queued: { webhook: "provider.onboarding.started" },
  step_succeeded: { webhook: "provider.onboarding.step_completed" },
  step_retried: { webhook: null },
  run_stuck: { webhook: "provider.onboarding.stuck" },
  run_failed: { webhook: "provider.onboarding.failed" },
  run_succeeded: { webhook: "provider.onboarding.succeeded" },
  retry_requested: { webhook: null },
  resumed: { webhook: null },
  cancel_requested: { webhook: null },
  run_cancelled: { webhook: "provider.onboarding.cancelled" },
  lease_expired: { webhook: null },
};

const OPERATOR_ACTIONS: readonly RunEventType[] = ["retry_requested", "resumed", "cancel_requested"];

const sentence = (e: RunEvent, label: (stepId: string) => string): string => {
  const step = e.stepId ? label(e.stepId) : "";
  switch (e.type) {
    case "run_queued":
      return "Onboarding started.";
    case "step_succeeded":
      return `Done: ${step}.`;
    case "step_retried":
      return `${step}: will try again (${e.reason ?? "a temporary failure"}).`;
    case "run_stuck":
      return `Onboarding needs attention at "${step}": ${e.reason ?? "its deadline passed"}.`;
    case "run_failed":
      return `Onboarding failed at "${step}": ${e.reason ?? "unknown reason"}.`;
    case "run_succeeded":
      return "Onboarding finished.";
    case "retry_requested":
      return `Asked to try "${step}" again.`;
    case "resumed":
      return `An operator resumed onboarding at "${step}".`;
    case "cancel_requested":
      return `Onboarding is being cancelled: ${e.reason ?? ""}`;
    case "run_cancelled":
      return "Onboarding was cancelled.";
    case "lease_expired":
      return `A worker stopped during "${step}"; another one continues.`;
    default:
      return e.type;
  }
};

/**
 * Makes every announced transition of a provider's run visible where people look, in the transition's own
 * transaction: the provider's state and log, the audit log, and the organization's webhooks.
 */
export function providerTransitions(deps: OnboardingDeps, label: (stepId: string) => string) {
  return async (e: RunEvent, tx: Executor): Promise<void> => {
    if (e.subject["type"] !== "provider") return;
    const providerId = e.subject["id"] ?? "";
    const orgId = e.subject["orgId"] ?? "";
    const announced = ANNOUNCED[e.type];
    if (!announced) return;
    const message = sentence(e, label);
    const providers = deps.providers();
    switch (e.type) {
      case "run_queued":
      case "retry_requested":
        await providers.moveTo(tx, providerId, "processing", { event: e.type, message });
        break;
      case "run_failed":
        await providers.moveTo(tx, providerId, "failed", {
          event: e.type,
          message,
          reason: e.reason ?? message,
        });
        break;
      case "run_cancelled":
        await customerRecords.release(tx, orgId, providerId);
        await subscriptionRecords.cancelTasksOfRun(tx, e.runId, e.at);
        await providers.moveTo(tx, providerId, "failed", {
          event: e.type,
          message,
          reason:
            "Onboarding was cancelled; nothing more will be done for this provider. Delete it, or create it again.",
        });
        await providers.finishDeletionIfWaiting(tx, providerId);
        break;
      default:
        await providers.log(tx, providerId, { event: e.type, message });
    }
    // An operator's action is audited by the request that made it (with its request id); the rest by the system.
    if (!OPERATOR_ACTIONS.includes(e.type))
      await deps.audit.record(tx, SYSTEM_ACTOR, {
        orgId,
        action: `onboarding.${e.type}`,
        targetType: "provider",
        targetId: providerId,
        details: {
          runId: e.runId,
          workflow: e.workflow,
          seq: e.seq,
          state: e.state,
          stepId: e.stepId,
          attempt: e.attempt,
          reason: e.reason,
        },
      });
    if (!announced.webhook) return;
    const outbox = deps.webhooks();
    if (e.type === "run_succeeded")
      await outbox?.enqueue(tx, {
        orgId,
        type: "provider.ready",
        data: { providerId, runId: e.runId, message },
      });
    await outbox?.enqueue(tx, {
      orgId,
      type: announced.webhook,
      data: {
        providerId,
        runId: e.runId,
        workflow: e.workflow,
        state: e.state,
        step: e.stepId,
        stepLabel: e.stepId ? label(e.stepId) : null,
        reason: e.reason,
        message,
        at: e.at.toISOString(),
      },
    });
  };
}
