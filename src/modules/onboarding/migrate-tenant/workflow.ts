import { SYSTEM_ACTOR } from "../system-actor.ts";
import { z } from "zod";
import { customerRecords } from "../customers.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { pollDelayMs } from "../engine/backoff.ts";
import { defineWorkflow, done, fail, wait, type Step } from "../engine/definitions.ts";
import { eligibilityStep } from "../eligibility-step.ts";
import { accessSteps } from "../new-customer/access-steps.ts";
import { AZURE_SERVICE_MANAGEMENT } from "../new-customer/customer-steps.ts";
import { outcomeOfError } from "../new-customer/outcomes.ts";
import { gdapApprovalUrl, gdapDisplayName } from "./gdap.ts";
import { roleNameOf } from "./gdap-roles.ts";
import { MigrateTenantInput, type MigrateTenantRunInput } from "./input.ts";
import { invitationMail } from "./invitation-mail.ts";
import { DAY_MS, invitationRecords, newInvitationToken, nextReminder } from "./invitations.ts";
import { declineUrl, expiredMessage } from "./messages.ts";
import { awaitSubscriptionsStep } from "./await-subscriptions.ts";
import {
  dispositionOf,
  subscriptionRecords,
  taskFor,
  type FoundSubscription,
  type SubscriptionRow,
  type TaskRow,
} from "./subscriptions.ts";
import { newId } from "../../../platform/ids.ts";

export const MIGRATE_TENANT_WORKFLOW = "migrate-tenant";

export const migrateTenantStepLabels: Readonly<Record<string, string>> = {
  "check-eligibility": "Check the billing account's eligibility and terms",
  "request-link": "Get the partner's invitation link",
  "create-gdap": "Create the delegated administration (GDAP) request",
  "lock-gdap": "Open the GDAP request for the customer's approval",
  "send-invitation": "Send the invitation to the tenant's administrator",
  "await-acceptance": "Wait for the administrator to accept",
  "record-customer": "Record the tenant as the organization's Azure customer",
  "consent-application": "Consent Partner Cloud's application",
  "discover-subscriptions": "Find the tenant's Azure subscriptions",
  "plan-subscriptions": "Plan each subscription's move and the technical tasks",
  "await-subscriptions": "Wait until every subscription is under the partner",
  "link-billing-account": "Associate the subscriptions with the billing account",
  "grant-access": "Grant Partner Cloud access",
  "apply-policy": "Apply the allowed services",
  "mark-ready": "Mark the provider ready",
};

type S = Step<MigrateTenantRunInput>;

/** Partner Center is asked again after 1, 2, 4 … minutes, at most every 30 minutes (the event wakes the run sooner). */
const POLLS = { baseMs: 60_000, maxMs: 30 * 60_000 };
/** The waits outlast any invitation: an expired or declined one ends the step itself, with its own message. */
const WAIT_DEADLINE_MS = 400 * DAY_MS;

const Link = z.object({ link: z.string() });
const Gdap = z.object({ relationshipId: z.string(), displayName: z.string() });
const GdapOrSkipped = z.union([Gdap, z.object({ skipped: z.literal(true) })]);
const Locked = z.union([
  z.object({ relationshipId: z.string(), status: z.string(), approvalUrl: z.string() }),
  z.object({ skipped: z.literal(true) }),
]);
const Accepted = z.object({ customerId: z.string(), companyName: z.string() });
const Found = z.object({
  subscriptions: z.array(
    z.object({
      subscriptionId: z.string(),
      displayName: z.string(),
      quotaId: z.string(),
      managedByTenants: z.array(z.string()),
    }),
  ),
});

/** The administrator's reason as they wrote it, closed by a full stop unless it ends in one already. */
const reasonGiven = (reason: string | null) =>
  reason ? ` Their reason: "${/[.!?]$/.test(reason.trim()) ? reason.trim() : `${reason.trim()}.`}"` : "";

/**
 * Migrating an existing tenant under the partner (seed 004, product inventory §2.4, docs/adr/0007): the tenant's
 * administrator is invited by mail to accept the partner's reseller relationship (and, when the partner uses GDAP,
 * to approve its delegated administration request); the acceptance is recognised in Partner Center by the tenant's
 * primary domain, never by trusting a browser; each of the tenant's subscriptions is then under the partner already,
 * transferred whole, or moved by the technical account manager; Partner Cloud gets its access and the allowed
 * services on every one of them.
 */
export function migrateTenantWorkflow(deps: OnboardingDeps) {
  const ms = (): MicrosoftPorts => {
    if (!deps.microsoft) throw new Error("this worker is not connected to Microsoft");
    return deps.microsoft;
  };
  const settings = deps.migration;
  const steps: S[] = [
    eligibilityStep(deps),
    {
      id: "request-link",
      async run() {
        const link = await ms().partnerCenter.relationshipRequestLink();
        if (!link.ok) return outcomeOfError(link.error, "Getting the reseller relationship link");
        return done({ link: link.value });
      },
    },
    {
      id: "create-gdap",
      // Looked for by its display name (unique per partner, ours per run) before it is created.
      async run(ctx) {
        if (!settings.gdap) return done({ skipped: true });
        const created = await ms().graph.createDelegatedAdminRelationship({
          displayName: gdapDisplayName(ctx.runId),
          duration: `P${settings.gdap.days}D`,
          roleIds: settings.gdap.roleIds,
          autoExtend: false,
        });
        if (!created.ok) return outcomeOfError(created.error, "Creating the GDAP request");
        return done({ relationshipId: created.value.relationshipId, displayName: created.value.displayName });
      },
    },
    {
      id: "lock-gdap",
      async run(ctx) {
        const gdap = ctx.output("create-gdap", GdapOrSkipped);
        if ("skipped" in gdap) return done({ skipped: true });
        const locked = await ms().graph.lockForApproval(gdap.relationshipId);
        if (!locked.ok) return outcomeOfError(locked.error, "Opening the GDAP request for approval");
        return done({
          relationshipId: gdap.relationshipId,
          status: locked.value.status,
          approvalUrl: gdapApprovalUrl(ms().adminCenterUrl, gdap.relationshipId),
        });
      },
    },
    {
      id: "send-invitation",
      // The invitation and its mail are written in the transaction that records this step: one mail per request.
      transactional: true,
      async run(ctx) {
        const { link } = ctx.output("request-link", Link);
        const gdap = ctx.output("lock-gdap", Locked);
        const at = ctx.clock.now();
        const expiresAt = new Date(at.getTime() + settings.invitationDays * DAY_MS);
        const { token, hash } = newInvitationToken();
        await invitationRecords.create(ctx.tx, {
          runId: ctx.runId,
          orgId: ctx.input.orgId,
          providerId: ctx.input.providerId,
          toEmail: ctx.input.adminEmail,
          primaryDomain: ctx.input.primaryDomain,
          tokenHash: hash,
          tokenSealed: deps.secrets().encrypt(token),
          resellerLink: link,
          gdapRelationshipId: "skipped" in gdap ? null : gdap.relationshipId,
          gdapApprovalUrl: "skipped" in gdap ? null : gdap.approvalUrl,
          gdapStatus: "skipped" in gdap ? null : gdap.status,
          nextReminderAt: nextReminder(at, 0, settings.reminderDays, expiresAt),
          expiresAt,
          at,
        });
        const mailId = await deps.mail.enqueueMail(
          ctx.tx,
          invitationMail({
            kind: "invitation",
            to: ctx.input.adminEmail,
            domain: ctx.input.primaryDomain,
            resellerLink: link,
            gdap:
              "skipped" in gdap || !settings.gdap
                ? null
                : {
                    approvalUrl: gdap.approvalUrl,
                    roleNames: settings.gdap.roleIds.map(roleNameOf),
                    days: settings.gdap.days,
                  },
            declineUrl: declineUrl(settings.publicUrl, token),
            expiresAt,
          }),
        );
        await deps.audit.record(ctx.tx, SYSTEM_ACTOR, {
          orgId: ctx.input.orgId,
          action: "migration.invitation_sent",
          targetType: "provider",
          targetId: ctx.input.providerId,
          details: { runId: ctx.runId, to: ctx.input.adminEmail, expiresAt: expiresAt.toISOString() },
        });
        return done({ mailId, to: ctx.input.adminEmail, expiresAt: expiresAt.toISOString() });
      },
    },
    {
      id: "await-acceptance",
      deadlineMs: WAIT_DEADLINE_MS,
      async run(ctx) {
        const invitation = await invitationRecords.of(deps.db, ctx.runId);
        if (!invitation) throw new Error(`migration run ${ctx.runId} has no invitation`);
        const domain = invitation.primaryDomain.toLowerCase();
        const found = await ms().partnerCenter.findCustomersByDomain(domain.split(".")[0] ?? domain);
        if (!found.ok) return outcomeOfError(found.error, "Looking for the accepted invitation");
        const customer = found.value.find((c) => c.domain.toLowerCase() === domain);
        if (customer) return done({ customerId: customer.customerId, companyName: customer.companyName });
        const gdap = invitation.gdapRelationshipId
          ? await ms().graph.relationship(invitation.gdapRelationshipId)
          : null;
        if (gdap && !gdap.ok) return outcomeOfError(gdap.error, "Reading the GDAP request");
        if (gdap?.ok && gdap.value.status !== invitation.gdapStatus)
          await invitationRecords.gdapStatus(deps.db, ctx.runId, gdap.value.status, ctx.clock.now());
        if (invitation.declinedAt)
          return fail({
            code: "invitation_declined",
            message: `${invitation.toEmail} declined the invitation on ${invitation.declinedAt.toUTCString()}.${reasonGiven(invitation.declineReason)} Talk to them; the invitation can be sent again from the provider's page.`,
          });
        const now = ctx.clock.now().getTime();
        if (now >= invitation.expiresAt.getTime())
          return fail({ code: "invitation_expired", message: expiredMessage(invitation) });
        return wait({
          untilMs: Math.min(now + pollDelayMs(ctx.attempt, POLLS), invitation.expiresAt.getTime()),
          reason: `the invitation sent to ${invitation.toEmail} is not accepted yet`,
          waitingFor: `the administrator of ${invitation.primaryDomain} (${invitation.toEmail}) to accept the partner's invitation`,
        });
      },
    },
    {
      id: "record-customer",
      transactional: true,
      async run(ctx) {
        const { customerId, companyName } = ctx.output("await-acceptance", Accepted);
        const at = ctx.clock.now();
        const adopted = await customerRecords.adopt(ctx.tx, {
          orgId: ctx.input.orgId,
          billingAccountId: ctx.input.billingAccountId,
          tenantId: customerId,
          domain: ctx.input.primaryDomain.toLowerCase(),
          providerId: ctx.input.providerId,
          createdBy: ctx.input.requestedBy,
          at,
        });
        if (!adopted)
          return fail({
            code: "azure_customer_exists",
            message: (await customerRecords.of(ctx.tx, ctx.input.orgId))
              ? "The organization already has another Azure customer; an organization has one. Create this provider in another organization, or use the option new-customer to add a subscription."
              : `Another organization already manages the tenant ${ctx.input.primaryDomain}. Ask the partner's support which one.`,
          });
        await invitationRecords.accepted(ctx.tx, ctx.runId, at);
        await deps.audit.record(ctx.tx, SYSTEM_ACTOR, {
          orgId: ctx.input.orgId,
          action: "migration.accepted",
          targetType: "provider",
          targetId: ctx.input.providerId,
          details: { runId: ctx.runId, tenantId: customerId, companyName, domain: ctx.input.primaryDomain },
        });
        return done({ tenantId: customerId });
      },
    },
    {
      id: "consent-application",
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const consent = await ms().partnerCenter.consentApplication(
          customerId,
          ms().clientId,
          [{ enterpriseApplicationId: AZURE_SERVICE_MANAGEMENT, scopes: ["user_impersonation"] }],
          { idempotencyKey: ctx.idempotencyKey },
        );
        if (!consent.ok) return outcomeOfError(consent.error, "Consenting Partner Cloud's application");
        return done({ applicationId: ms().clientId });
      },
    },
    {
      id: "discover-subscriptions",
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const listed = await ms().azureResources(customerId).subscriptions();
        if (!listed.ok) return outcomeOfError(listed.error, "Reading the tenant's subscriptions");
        const enabled = listed.value.filter((s) => s.state === "Enabled");
        if (!enabled.length)
          return fail({
            code: "no_subscription",
            message: `The tenant ${ctx.input.primaryDomain} has no enabled Azure subscription Partner Cloud can see. Ask its administrator to check, then retry the step.`,
          });
        return done({
          subscriptions: enabled.map((s) => ({
            subscriptionId: s.subscriptionId,
            displayName: s.displayName,
            quotaId: s.quotaId ?? "Unknown",
            managedByTenants: [...s.managedByTenants],
          })),
        });
      },
    },
    {
      id: "plan-subscriptions",
      transactional: true,
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const { subscriptions } = ctx.output("discover-subscriptions", Found);
        const at = ctx.clock.now();
        const rows: SubscriptionRow[] = [];
        const tasks: TaskRow[] = [];
        for (const s of subscriptions as FoundSubscription[]) {
          const { disposition, otherPartners } = dispositionOf(s, ms().partnerTenantId);
          const task = taskFor(s, disposition);
          const taskId = task ? newId("technicalTask", at) : null;
          if (task && taskId)
            tasks.push({
              id: taskId,
              orgId: ctx.input.orgId,
              providerId: ctx.input.providerId,
              runId: ctx.runId,
              tenantId: customerId,
              subscriptionId: s.subscriptionId,
              subscriptionName: s.displayName,
              ...task,
              state: "open",
              completedBy: null,
              completedAt: null,
              note: null,
              targetSubscriptionId: null,
              createdAt: at,
              updatedAt: at,
            });
          rows.push({
            runId: ctx.runId,
            subscriptionId: s.subscriptionId,
            orgId: ctx.input.orgId,
            providerId: ctx.input.providerId,
            tenantId: customerId,
            displayName: s.displayName,
            quotaId: s.quotaId,
            disposition,
            state:
              disposition === "under_management"
                ? "under_management"
                : disposition === "other_partner"
                  ? "blocked"
                  : "waiting",
            otherPartners,
            targetSubscriptionId: disposition === "under_management" ? s.subscriptionId : null,
            taskId,
            updatedAt: at,
          });
        }
        await subscriptionRecords.plan(ctx.tx, rows, tasks);
        await deps.audit.record(ctx.tx, SYSTEM_ACTOR, {
          orgId: ctx.input.orgId,
          action: "migration.subscriptions_planned",
          targetType: "provider",
          targetId: ctx.input.providerId,
          details: {
            runId: ctx.runId,
            subscriptions: rows.map((r) => ({
              subscriptionId: r.subscriptionId,
              displayName: r.displayName,
              disposition: r.disposition,
            })),
            tasks: tasks.map((t) => ({ taskId: t.id, kind: t.kind, subscriptionId: t.subscriptionId })),
          },
        });
        return done({ subscriptions: rows.length, tasks: tasks.length });
      },
    },
    awaitSubscriptionsStep(deps, ms, WAIT_DEADLINE_MS),
    {
      id: "link-billing-account",
      transactional: true,
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const rows = await subscriptionRecords.ofRun(ctx.tx, ctx.runId);
        const managed = rows.filter((r) => r.state === "under_management" && r.targetSubscriptionId);
        const primary =
          managed.find((r) => r.displayName.toLowerCase() === ctx.input.providerName.toLowerCase()) ??
          managed[0];
        if (!primary?.targetSubscriptionId)
          return fail({
            code: "no_subscription",
            message: "No subscription of the tenant is under the partner. Retry the step once one is.",
          });
        await deps.providers().linkAzure(ctx.tx, ctx.input.providerId, {
          tenantId: customerId,
          subscriptionId: primary.targetSubscriptionId,
          subscriptionName: primary.displayName,
        });
        return done({
          tenantId: customerId,
          subscriptionId: primary.targetSubscriptionId,
          subscriptionIds: managed.map((r) => r.targetSubscriptionId ?? r.subscriptionId),
          billingAccountId: ctx.input.billingAccountId,
        });
      },
    },
    ...accessSteps<MigrateTenantRunInput>(deps, ms),
  ];
  return defineWorkflow({ name: MIGRATE_TENANT_WORKFLOW, version: 2, input: MigrateTenantInput, steps });
}
