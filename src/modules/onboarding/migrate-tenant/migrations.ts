import { SYSTEM_ACTOR } from "../system-actor.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import type { OnboardingDeps } from "../deps.ts";
import type { WorkflowEngine } from "../engine/engine.ts";
import type { RunView } from "../engine/runs.ts";
import { onboardingErrors } from "../errors.ts";
import { roleNameOf } from "./gdap-roles.ts";
import { MigrateTenantInput } from "./input.ts";
import { invitationMail, type InvitationMailKind } from "./invitation-mail.ts";
import {
  DAY_MS,
  invitationRecords,
  newInvitationToken,
  nextReminder,
  type InvitationRow,
} from "./invitations.ts";
import { declineUrl } from "./messages.ts";
import { migrationView, taskView, type MigrationView, type TechnicalTaskView } from "./view.ts";
import { subscriptionRecords } from "./subscriptions.ts";
import { MIGRATE_TENANT_WORKFLOW } from "./workflow.ts";

const ENDED_BY_INVITATION = ["invitation_expired", "invitation_declined"];

export type PublicInvitation = {
  partnerName: string;
  organizationName: string;
  primaryDomain: string;
  to: string;
  state: "open" | "accepted" | "declined" | "expired";
  expiresAt: Date;
};

/**
 * The people's side of a migration: its view for the console, the requester sending the invitation again, the
 * reminders, the administrator declining through the mail's link, Partner Center's acceptance event waking the run,
 * and the technical account manager's tasks.
 */
export function migrationService(deps: OnboardingDeps, engine: WorkflowEngine) {
  const settings = deps.migration;
  const mayRequest = (caller: Caller, run: RunView) => {
    const input = MigrateTenantInput.parse(run.input);
    const p = caller.principal;
    return (
      p.isOperator ||
      (p.orgId === input.orgId && (p.orgRole === "admin" || p.costCenterAdminOf.has(input.costCenterId)))
    );
  };

  /** Queues one mail of the invitation, with its link token opened from the row (or a new one). */
  function mailOf(row: InvitationRow, kind: InvitationMailKind, token: string, expiresAt: Date) {
    return invitationMail({
      kind,
      to: row.toEmail,
      domain: row.primaryDomain,
      resellerLink: row.resellerLink,
      gdap:
        row.gdapApprovalUrl && settings.gdap
          ? {
              approvalUrl: row.gdapApprovalUrl,
              roleNames: settings.gdap.roleIds.map(roleNameOf),
              days: settings.gdap.days,
            }
          : null,
      declineUrl: declineUrl(settings.publicUrl, token),
      expiresAt,
    });
  }

  const stateOf = (row: InvitationRow, now: Date): PublicInvitation["state"] =>
    row.acceptedAt
      ? "accepted"
      : row.declinedAt
        ? "declined"
        : row.expiresAt.getTime() <= now.getTime()
          ? "expired"
          : "open";

  return {
    async view(run: RunView): Promise<MigrationView | null> {
      if (run.workflow !== MIGRATE_TENANT_WORKFLOW) return null;
      const [invitation, subscriptions, tasks] = await Promise.all([
        invitationRecords.of(deps.db, run.id),
        subscriptionRecords.ofRun(deps.db, run.id),
        subscriptionRecords.tasksOfRun(deps.db, run.id),
      ]);
      return migrationView(run, MigrateTenantInput.parse(run.input), {
        invitation,
        subscriptions,
        tasks,
        gdapRoleNames: settings.gdap?.roleIds.map(roleNameOf) ?? [],
        gdapDays: settings.gdap?.days ?? null,
        now: deps.clock.now(),
      });
    },

    /**
     * The requester sends the invitation again: a new link, a new expiry, reminders from the start. An invitation
     * that had expired or been declined is open again and its run waits for it once more.
     */
    async resend(caller: Caller, run: RunView): Promise<Result<MigrationView, AppError>> {
      if (!mayRequest(caller, run))
        return err(
          onboardingErrors.forbidden(
            "Only the organization's administrators and the provider's cost-center administrators send the invitation again.",
          ),
        );
      const at = deps.clock.now();
      const expiresAt = new Date(at.getTime() + settings.invitationDays * DAY_MS);
      const resent = await deps.db.transaction(async (tx) => {
        const row = await invitationRecords.of(tx, run.id);
        if (!row || row.acceptedAt) return false;
        const { token, hash } = newInvitationToken();
        if (
          !(await invitationRecords.resent(tx, run.id, {
            tokenHash: hash,
            tokenSealed: deps.secrets().encrypt(token),
            at,
            expiresAt,
            nextReminderAt: nextReminder(at, 0, settings.reminderDays, expiresAt),
          }))
        )
          return false;
        await deps.mail.enqueueMail(tx, mailOf(row, "again", token, expiresAt));
        await deps.audit.record(tx, caller.actor, {
          orgId: row.orgId,
          action: "migration.invitation_resent",
          targetType: "provider",
          targetId: row.providerId,
          details: { runId: run.id, to: row.toEmail, expiresAt: expiresAt.toISOString() },
        });
        return true;
      });
      if (!resent) return err(onboardingErrors.invitationNotOpen());
      if (
        run.state === "failed" &&
        run.stepId === "await-acceptance" &&
        ENDED_BY_INVITATION.includes(run.errorCode ?? "")
      )
        await engine.retryStep(run.id, caller.principal.userId);
      const fresh = await engine.runOf(run.id);
      const view = fresh ? await this.view(fresh) : null;
      if (!view) throw new Error(`migration run ${run.id} vanished`);
      return ok(view);
    },

    /**
     * The requester keeps one of the tenant's subscriptions out of the migration (say, a test subscription that
     * should stay where it is) while the migration still waits for it; its task is cancelled.
     */
    async leaveOut(
      caller: Caller,
      run: RunView,
      subscriptionId: string,
    ): Promise<Result<MigrationView, AppError>> {
      if (!mayRequest(caller, run))
        return err(
          onboardingErrors.forbidden(
            "Only the organization's administrators and the provider's cost-center administrators choose the subscriptions.",
          ),
        );
      if (run.stepId !== "await-subscriptions" || run.state === "succeeded" || run.state === "cancelled")
        return err(onboardingErrors.subscriptionsNotOpen());
      const at = deps.clock.now();
      const left = await deps.db.transaction(async (tx) => {
        const row = await subscriptionRecords.leaveOut(tx, run.id, subscriptionId.toLowerCase(), at);
        if (!row) return null;
        await deps.audit.record(tx, caller.actor, {
          orgId: row.orgId,
          action: "migration.subscription_left_out",
          targetType: "provider",
          targetId: row.providerId,
          details: { runId: run.id, subscriptionId: row.subscriptionId, displayName: row.displayName },
        });
        return row;
      });
      if (!left) return err(onboardingErrors.subscriptionNotWaiting(subscriptionId));
      await engine.wake(run.id, "await-subscriptions");
      const view = await this.view((await engine.runOf(run.id)) ?? run);
      if (!view) throw new Error(`migration run ${run.id} vanished`);
      return ok(view);
    },

    /** Sends the reminders that are due; each is counted in the transaction that queues its mail, so it goes once. */
    async sendDueReminders(max = 100): Promise<number> {
      const now = deps.clock.now();
      let sent = 0;
      for (const row of await invitationRecords.due(deps.db, now, max)) {
        const token = deps.secrets().decrypt(row.tokenSealed);
        if (!token.ok) continue;
        const counted = await deps.db.transaction(async (tx) => {
          const next = nextReminder(
            row.lastSentAt,
            row.remindersSent + 1,
            settings.reminderDays,
            row.expiresAt,
          );
          if (!(await invitationRecords.reminded(tx, row, { at: now, nextReminderAt: next }))) return false;
          await deps.mail.enqueueMail(tx, mailOf(row, "reminder", token.value, row.expiresAt));
          await deps.audit.record(tx, SYSTEM_ACTOR, {
            orgId: row.orgId,
            action: "migration.invitation_reminded",
            targetType: "provider",
            targetId: row.providerId,
            details: { runId: row.runId, to: row.toEmail, reminder: row.remindersSent + 1 },
          });
          return true;
        });
        if (counted) sent++;
      }
      return sent;
    },

    /** Schedules the reminders every `intervalMs` (worker processes). */
    startReminders(p: { intervalMs: number }): { stop(): Promise<void> } {
      let running: Promise<unknown> | null = null;
      const timer = setInterval(() => {
        if (running) return;
        running = this.sendDueReminders()
          .catch((e: unknown) => deps.log?.error({ err: e }, "sending invitation reminders failed"))
          .finally(() => {
            running = null;
          });
      }, p.intervalMs);
      return {
        async stop() {
          clearInterval(timer);
          await running;
        },
      };
    },

    /**
     * Partner Center said a customer accepted (its event carries nothing else worth trusting): the runs waiting for a
     * tenant with that customer's domain look again now. Returns how many were woken.
     */
    async acceptedByCustomer(customerTenantId: string): Promise<number> {
      if (!deps.microsoft) return 0;
      const customer = await deps.microsoft.partnerCenter.customer(customerTenantId);
      if (!customer.ok) return 0;
      const domain = customer.value.domain.toLowerCase();
      let woken = 0;
      for (const run of await engine.runsIn(["running"], 1000)) {
        if (run.workflow !== MIGRATE_TENANT_WORKFLOW || run.stepId !== "await-acceptance") continue;
        if (MigrateTenantInput.parse(run.input).primaryDomain.toLowerCase() !== domain) continue;
        if (await engine.wake(run.id, "await-acceptance")) woken++;
      }
      return woken;
    },

    /** The invitation as its link shows it to the administrator who got it: no sign-in, so nothing more. */
    async invitation(token: string): Promise<Result<PublicInvitation, AppError>> {
      const row = await invitationRecords.byToken(deps.db, token);
      if (!row) return err(onboardingErrors.invitationLinkUnknown());
      const names = await deps.names(row.orgId);
      return ok({
        ...names,
        primaryDomain: row.primaryDomain,
        to: row.toEmail,
        state: stateOf(row, deps.clock.now()),
        expiresAt: row.expiresAt,
      });
    },

    /**
     * The administrator declines through the mail's link; the run ends as declined at its next look. Only an open
     * invitation can be declined: a second decline is refused, since its reason would not reach the organization.
     * The audit record carries the request's id, as every record of an API request does.
     */
    async decline(
      token: string,
      reason: string | null,
      requestId: string | null,
    ): Promise<Result<PublicInvitation, AppError>> {
      const row = await invitationRecords.byToken(deps.db, token);
      if (!row) return err(onboardingErrors.invitationLinkUnknown());
      const at = deps.clock.now();
      const declined = await deps.db.transaction(async (tx) => {
        if (!(await invitationRecords.declined(tx, row.runId, reason, at))) return false;
        await deps.audit.record(
          tx,
          { ...SYSTEM_ACTOR, email: row.toEmail, requestId },
          {
            orgId: row.orgId,
            action: "migration.invitation_declined",
            targetType: "provider",
            targetId: row.providerId,
            details: { runId: row.runId, by: row.toEmail, reason },
          },
        );
        return true;
      });
      if (declined) await engine.wake(row.runId, "await-acceptance");
      const state = stateOf((await invitationRecords.of(deps.db, row.runId)) ?? row, at);
      if (!declined) return err(onboardingErrors.invitationNotOpen(state));
      return this.invitation(token);
    },

    /** Operators: the technical account manager's tasks, open ones first. */
    async tasks(
      caller: Caller,
      state: "open" | "done" | "all",
    ): Promise<Result<TechnicalTaskView[], AppError>> {
      if (!caller.principal.isOperator)
        return err(onboardingErrors.forbidden("Only the partner's operators see the technical tasks."));
      const states = state === "all" ? ["open", "done", "cancelled"] : [state];
      const rows = await subscriptionRecords.tasks(deps.db, states, 500);
      return ok(rows.map(taskView));
    },

    /**
     * An operator completes a task. A move names the new subscription the resources went into: it must be in the
     * tenant, enabled and under the partner, which Azure is asked before anything is recorded.
     */
    async completeTask(
      caller: Caller,
      taskId: string,
      input: { note?: string | undefined; targetSubscriptionId?: string | undefined },
    ): Promise<Result<TechnicalTaskView, AppError>> {
      if (!caller.principal.isOperator)
        return err(onboardingErrors.forbidden("Only the partner's operators complete technical tasks."));
      const task = await subscriptionRecords.task(deps.db, taskId);
      if (!task) return err(onboardingErrors.notFound("technical task", taskId));
      if (task.state !== "open") return err(onboardingErrors.taskNotOpen(task.state));
      let target = task.subscriptionId;
      if (task.kind === "move_resources") {
        const wanted = input.targetSubscriptionId?.toLowerCase();
        if (!wanted) return err(onboardingErrors.targetRequired());
        if (wanted === task.subscriptionId)
          return err(onboardingErrors.badTarget("it is the subscription the resources move out of"));
        if (!deps.microsoft) return err(onboardingErrors.notConnected());
        const listed = await deps.microsoft.azureResources(task.tenantId).subscriptions();
        if (!listed.ok) return err(listed.error);
        const found = listed.value.find((s) => s.subscriptionId.toLowerCase() === wanted);
        if (!found)
          return err(onboardingErrors.badTarget("Azure shows no such subscription in the customer's tenant"));
        if (found.state !== "Enabled")
          return err(onboardingErrors.badTarget(`it is ${found.state}, not Enabled`));
        if (!found.managedByTenants.includes(deps.microsoft.partnerTenantId.toLowerCase()))
          return err(onboardingErrors.badTarget("it is not under the partner's Azure plan"));
        target = found.subscriptionId;
      }
      const at = deps.clock.now();
      const done = await deps.db.transaction(async (tx) => {
        const closed = await subscriptionRecords.completeTask(tx, taskId, {
          by: caller.principal.userId,
          note: input.note?.trim() || null,
          target: task.kind === "move_resources" ? target : null,
          at,
        });
        if (!closed) return null;
        if (task.kind === "move_resources")
          await subscriptionRecords.underManagement(tx, task.runId, task.subscriptionId, target, at);
        await deps.audit.record(tx, caller.actor, {
          orgId: task.orgId,
          action: "migration.task_completed",
          targetType: "provider",
          targetId: task.providerId,
          details: {
            runId: task.runId,
            taskId,
            kind: task.kind,
            subscriptionId: task.subscriptionId,
            targetSubscriptionId: task.kind === "move_resources" ? target : null,
            note: input.note ?? null,
          },
        });
        return closed;
      });
      if (!done) return err(onboardingErrors.taskNotOpen("done"));
      await engine.wake(task.runId, "await-subscriptions");
      return ok(taskView(done));
    },
  };
}

export type MigrationService = ReturnType<typeof migrationService>;
