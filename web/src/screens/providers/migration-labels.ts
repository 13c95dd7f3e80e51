import type {
  MigrationActor,
  MigrationPhase,
  MigrationSubscription,
  MigrationView,
  SubscriptionOffer,
  TechnicalTaskKind,
  TechnicalTaskState,
} from "../../api/types.ts";

export const migrationPhaseLabel: Record<MigrationPhase, string> = {
  requested: "Requested",
  invitation_sent: "Invitation sent",
  accepted: "Accepted",
  subscriptions_transferring: "Subscriptions moving",
  blocked_by_existing_partner: "Blocked",
  ready: "Ready",
  expired: "Expired",
  declined: "Declined",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const migrationPhaseBadge: Record<MigrationPhase, string> = {
  requested: "badge badge-accent",
  invitation_sent: "badge badge-accent",
  accepted: "badge badge-accent",
  subscriptions_transferring: "badge badge-accent",
  blocked_by_existing_partner: "badge badge-warn",
  ready: "badge badge-ok",
  expired: "badge badge-warn",
  declined: "badge badge-warn",
  failed: "badge badge-off",
  cancelled: "badge",
};

export const actorLabel: Record<MigrationActor, string> = {
  customer_admin: "The tenant's Azure administrator",
  requester: "Your organization's administrators (talk to the tenant's administrator, then send it again)",
  technical_account_manager: "The partner's technical account manager",
  partner_cloud: "Partner Cloud, by itself",
  operator: "The partner's operators",
};

export const offerLabel: Record<SubscriptionOffer, string> = {
  AzurePlan: "Azure plan",
  PayAsYouGo: "Pay-as-you-go",
  EnterpriseAgreement: "Enterprise Agreement",
  MSDN: "Visual Studio (MSDN)",
  Other: "Other",
};

export const subscriptionStateLabel: Record<MigrationSubscription["state"], string> = {
  waiting: "Waiting",
  blocked: "Blocked",
  under_management: "Under management",
  left_out: "Left out",
};

export const subscriptionStateBadge: Record<MigrationSubscription["state"], string> = {
  waiting: "badge badge-accent",
  blocked: "badge badge-warn",
  under_management: "badge badge-ok",
  left_out: "badge",
};

export const taskKindLabel: Record<TechnicalTaskKind, string> = {
  transfer_subscription: "Transfer the subscription",
  move_resources: "Move the resources",
};

export const taskStateLabel: Record<TechnicalTaskState, string> = {
  open: "Open",
  done: "Done",
  cancelled: "Cancelled",
};

export const taskStateBadge: Record<TechnicalTaskState, string> = {
  open: "badge badge-accent",
  done: "badge badge-ok",
  cancelled: "badge",
};

/** The phases in which the migration waits for its subscriptions, so one may still be left out. */
export const choosingSubscriptions: ReadonlySet<MigrationPhase> = new Set([
  "subscriptions_transferring",
  "blocked_by_existing_partner",
]);

/** The migration's state in one line, with the person or fact it turns on. */
export function migrationHeadline(m: MigrationView): string {
  const to = m.invitation?.to ?? m.adminEmail;
  switch (m.phase) {
    case "requested":
      return "Requested — the partner's invitation is being prepared";
    case "invitation_sent":
      return `Invitation sent — waiting for ${to} to accept`;
    case "accepted":
      return `Accepted — ${m.primaryDomain} is being taken under the partner`;
    case "subscriptions_transferring": {
      const kept = m.subscriptions.filter((s) => s.state !== "left_out");
      const done = kept.filter((s) => s.state === "under_management").length;
      return `Subscriptions moving — ${done} of ${kept.length} under the partner`;
    }
    case "blocked_by_existing_partner":
      return "Blocked: the tenant's subscriptions are billed through another partner";
    case "ready":
      return `Ready — ${m.primaryDomain} is under the partner's care`;
    case "expired":
      return `Expired — ${to} did not accept the invitation in time`;
    case "declined":
      return m.invitation?.declineReason
        ? `Declined: ${m.invitation.declineReason}`
        : `Declined by the tenant's administrator`;
    case "failed":
      return "Failed";
    case "cancelled":
      return "Cancelled";
  }
}

/** An ISO 8601 duration as Microsoft gives it for admin relationships (`P730D`), in words. */
export function durationText(iso: string): string {
  const days = /^P(\d+)D$/.exec(iso)?.[1];
  if (days) return Number(days) === 1 ? "1 day" : `${days} days`;
  return iso;
}
