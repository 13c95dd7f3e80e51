import type { RunView } from "../engine/runs.ts";
import { gdapDisplayName } from "./gdap.ts";
import type { MigrateTenantRunInput } from "./input.ts";
import type { InvitationRow } from "./invitations.ts";
import {
  offerOf,
  type Disposition,
  type Offer,
  type SubscriptionRow,
  type TaskRow,
} from "./subscriptions.ts";

/** Where a migration stands, as the customer and the operators see it (issue's state machine). */
export type MigrationPhase =
  | "requested"
  | "invitation_sent"
  | "accepted"
  | "subscriptions_transferring"
  | "blocked_by_existing_partner"
  | "ready"
  | "expired"
  | "declined"
  | "failed"
  | "cancelled";

/** `requester`: the organization's administrators, e.g. to talk to the tenant's administrator and send it again. */
export type WhoMustAct =
  "customer_admin" | "requester" | "technical_account_manager" | "partner_cloud" | "operator" | null;

export type TechnicalTaskView = {
  id: string;
  orgId: string;
  providerId: string;
  runId: string;
  subscriptionId: string;
  subscriptionName: string;
  kind: "transfer_subscription" | "move_resources";
  title: string;
  instructions: string;
  state: "open" | "done" | "cancelled";
  completedBy: string | null;
  completedAt: Date | null;
  note: string | null;
  targetSubscriptionId: string | null;
  createdAt: Date;
};

export type MigrationView = {
  phase: MigrationPhase;
  whoMustAct: WhoMustAct;
  summary: string;
  primaryDomain: string;
  adminEmail: string;
  invitation: null | {
    to: string;
    firstSentAt: Date;
    lastSentAt: Date;
    sends: number;
    remindersSent: number;
    nextReminderAt: Date | null;
    expiresAt: Date;
    declinedAt: Date | null;
    declineReason: string | null;
    acceptedAt: Date | null;
    resellerLink: string;
    gdapApprovalUrl: string | null;
    canResend: boolean;
  };
  gdap: null | {
    relationshipId: string;
    displayName: string;
    status: string;
    roleNames: string[];
    duration: string;
  };
  subscriptions: {
    subscriptionId: string;
    displayName: string;
    offer: Offer;
    disposition: Disposition;
    state: "waiting" | "blocked" | "under_management" | "left_out";
    note: string;
    targetSubscriptionId: string | null;
    taskId: string | null;
  }[];
  tasks: TechnicalTaskView[];
};

const BEFORE_INVITATION = [
  "check-eligibility",
  "request-link",
  "create-gdap",
  "lock-gdap",
  "send-invitation",
];
const AFTER_ACCEPTANCE = [
  "record-customer",
  "consent-application",
  "discover-subscriptions",
  "plan-subscriptions",
];

export const taskView = (t: TaskRow): TechnicalTaskView => ({
  id: t.id,
  orgId: t.orgId,
  providerId: t.providerId,
  runId: t.runId,
  subscriptionId: t.subscriptionId,
  subscriptionName: t.subscriptionName,
  kind: t.kind as TechnicalTaskView["kind"],
  title: t.title,
  instructions: t.instructions,
  state: t.state as TechnicalTaskView["state"],
  completedBy: t.completedBy,
  completedAt: t.completedAt,
  note: t.note,
  targetSubscriptionId: t.targetSubscriptionId,
  createdAt: t.createdAt,
});

function noteOf(r: SubscriptionRow): string {
  if (r.state === "left_out")
    return "Left out by the organization: it stays as it is, outside the partner's care.";
  if (r.state === "under_management")
    return r.targetSubscriptionId && r.targetSubscriptionId !== r.subscriptionId
      ? `Its resources moved into subscription ${r.targetSubscriptionId}, which the partner manages.`
      : "Under the partner: Partner Cloud manages it.";
  if (r.disposition === "other_partner")
    return "Billed through another partner: it stays there until that partner transfers it or the relationship ends.";
  if (r.disposition === "transfer")
    return "Pay-as-you-go: it transfers whole into the partner's care (a metadata move, no outage).";
  return "Cannot move as it is: its resources move into a new subscription under the partner, and its Microsoft pricing ends.";
}

/** The phase, who must act and a sentence, derived from the run and the migration's own records. */
export function migrationView(
  run: RunView,
  input: MigrateTenantRunInput,
  p: {
    invitation: InvitationRow | null;
    subscriptions: readonly SubscriptionRow[];
    tasks: readonly TaskRow[];
    gdapRoleNames: string[];
    gdapDays: number | null;
    now: Date;
  },
): MigrationView {
  const inv = p.invitation;
  const step = run.stepId ?? "";
  const openTasks = p.tasks.filter((t) => t.state === "open");
  const blocked = p.subscriptions.some((s) => s.state === "blocked");
  let phase: MigrationPhase;
  let who: WhoMustAct;
  let summary: string;
  if (run.state === "succeeded") {
    phase = "ready";
    who = null;
    summary =
      "Every subscription is under the partner, with Partner Cloud's access and the allowed services.";
  } else if (run.state === "cancelled") {
    phase = "cancelled";
    who = null;
    summary = run.cancelReason ?? "The migration was cancelled.";
  } else if (run.state === "failed" && run.errorCode === "invitation_expired") {
    phase = "expired";
    who = "requester";
    summary = run.lastError ?? "The invitation expired.";
  } else if (run.state === "failed" && run.errorCode === "invitation_declined") {
    phase = "declined";
    who = "requester";
    summary = run.lastError ?? "The administrator declined the invitation.";
  } else if (run.state === "failed") {
    phase = "failed";
    who = "operator";
    summary = run.lastError ?? "The migration failed.";
  } else if (BEFORE_INVITATION.includes(step)) {
    phase = "requested";
    who = "partner_cloud";
    summary = "Partner Cloud is preparing the invitation.";
  } else if (step === "await-acceptance") {
    phase = "invitation_sent";
    who = "customer_admin";
    summary = `Waiting for ${inv?.toEmail ?? input.adminEmail}, an administrator of ${input.primaryDomain}, to accept the partner's invitation.`;
  } else if (AFTER_ACCEPTANCE.includes(step)) {
    phase = "accepted";
    who = "partner_cloud";
    summary = `The administrator of ${input.primaryDomain} accepted; Partner Cloud is taking the tenant over.`;
  } else if (blocked) {
    phase = "blocked_by_existing_partner";
    who = "customer_admin";
    summary = run.waitingFor
      ? `Waiting for ${run.waitingFor}.`
      : "A subscription is billed through another partner.";
  } else {
    phase = "subscriptions_transferring";
    who = openTasks.length ? "technical_account_manager" : "partner_cloud";
    summary = openTasks.length
      ? `Waiting for the partner's technical account manager: ${openTasks.map((t) => t.title).join("; ")}.`
      : step === "await-subscriptions"
        ? run.waitingFor
          ? `Waiting for ${run.waitingFor}.`
          : "Partner Cloud is checking the subscriptions in Azure."
        : "Partner Cloud is granting its access and applying the allowed services.";
  }
  if (run.state === "stuck") {
    who = "operator";
    summary = `Needs the partner's attention: ${run.reason ?? run.lastError ?? "a step passed its deadline"}.`;
  }
  return {
    phase,
    whoMustAct: who,
    summary,
    primaryDomain: input.primaryDomain,
    adminEmail: input.adminEmail,
    invitation: inv
      ? {
          to: inv.toEmail,
          firstSentAt: inv.firstSentAt,
          lastSentAt: inv.lastSentAt,
          sends: inv.sends,
          remindersSent: inv.remindersSent,
          nextReminderAt: inv.nextReminderAt,
          expiresAt: inv.expiresAt,
          declinedAt: inv.declinedAt,
          declineReason: inv.declineReason,
          acceptedAt: inv.acceptedAt,
          resellerLink: inv.resellerLink,
          gdapApprovalUrl: inv.gdapApprovalUrl,
          canResend: inv.acceptedAt === null && run.state !== "cancelled" && run.state !== "succeeded",
        }
      : null,
    gdap:
      inv?.gdapRelationshipId && p.gdapDays !== null
        ? {
            relationshipId: inv.gdapRelationshipId,
            displayName: gdapDisplayName(run.id),
            status: inv.gdapStatus ?? "unknown",
            roleNames: p.gdapRoleNames,
            duration: `P${p.gdapDays}D`,
          }
        : null,
    subscriptions: p.subscriptions.map((r) => ({
      subscriptionId: r.subscriptionId,
      displayName: r.displayName,
      offer: offerOf(r.quotaId),
      disposition: r.disposition as Disposition,
      state: r.state as MigrationView["subscriptions"][number]["state"],
      note: noteOf(r),
      targetSubscriptionId: r.targetSubscriptionId,
      taskId: r.taskId,
    })),
    tasks: p.tasks.map(taskView),
  };
}
