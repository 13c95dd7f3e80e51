import { z } from "zod";
import { customerRecords } from "../customers.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { defineWorkflow, done, fail, wait, type Step } from "../engine/definitions.ts";
import { eligibilityStep } from "../eligibility-step.ts";
import { accessSteps } from "../new-customer/access-steps.ts";
import { AZURE_SERVICE_MANAGEMENT } from "../new-customer/customer-steps.ts";
import { outcomeOfError } from "../new-customer/outcomes.ts";
import { invitationMail } from "./invitation-mail.ts";
import { MigrateTenantInput, type MigrateTenantRunInput } from "./input.ts";

export const MIGRATE_TENANT_WORKFLOW = "migrate-tenant";

export const migrateTenantStepLabels: Readonly<Record<string, string>> = {
  "check-eligibility": "Check the billing account's eligibility and terms",
  "request-link": "Get the partner's invitation link",
  "send-invitation": "Send the invitation to the tenant's administrator",
  "await-acceptance": "Wait for the administrator to accept",
  "consent-application": "Consent Partner Cloud's application",
  "choose-subscription": "Find the subscription to manage",
  "link-billing-account": "Associate the subscription with the billing account",
  "grant-access": "Grant Partner Cloud access",
  "apply-policy": "Apply the allowed services",
  "mark-ready": "Mark the provider ready",
};

type S = Step<MigrateTenantRunInput>;

/** How often the acceptance is looked for in Partner Center, and how long an invitation stays open. */
const ACCEPTANCE_POLL_MS = 60_000;
const INVITATION_DAYS = 30;

const Link = z.object({ link: z.string() });
const Accepted = z.object({ customerId: z.string() });
const Chosen = z.object({ subscriptionId: z.string(), subscriptionName: z.string() });

/**
 * Migrating an existing tenant under the partner (seed 004, product inventory §2.4): the tenant's administrator is
 * invited by mail to accept the partner's reseller relationship, the acceptance is recognised in Partner Center by
 * the tenant's primary domain (never by trusting a browser), then the tenant becomes the organization's Azure
 * customer and its subscription gets Partner Cloud's access and the allowed services.
 */
export function migrateTenantWorkflow(deps: OnboardingDeps) {
  const ms = (): MicrosoftPorts => {
    if (!deps.microsoft) throw new Error("this worker is not connected to Microsoft");
    return deps.microsoft;
  };
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
      id: "send-invitation",
      // The mail is queued in the transaction that records this step: one mail per request, whatever the crashes.
      transactional: true,
      async run(ctx) {
        const { link } = ctx.output("request-link", Link);
        const mailId = await deps.mail.enqueueMail(
          ctx.tx,
          invitationMail({
            to: ctx.input.adminEmail,
            domain: ctx.input.primaryDomain,
            link,
            days: INVITATION_DAYS,
          }),
        );
        return done({ mailId, to: ctx.input.adminEmail });
      },
    },
    {
      id: "await-acceptance",
      deadlineMs: INVITATION_DAYS * 86_400_000,
      async run(ctx) {
        const domain = ctx.input.primaryDomain.toLowerCase();
        const found = await ms().partnerCenter.findCustomersByDomain(domain.split(".")[0] ?? domain);
        if (!found.ok) return outcomeOfError(found.error, "Looking for the accepted invitation");
        const customer = found.value.find((c) => c.domain.toLowerCase() === domain);
        if (customer) return done({ customerId: customer.customerId });
        return wait({
          untilMs: ctx.clock.now().getTime() + ACCEPTANCE_POLL_MS,
          reason: `the invitation sent to ${ctx.input.adminEmail} is not accepted yet`,
          waitingFor: `the administrator of ${ctx.input.primaryDomain} (${ctx.input.adminEmail}) to accept the partner's invitation`,
        });
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
      id: "choose-subscription",
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const listed = await ms().azureResources(customerId).subscriptions();
        if (!listed.ok) return outcomeOfError(listed.error, "Reading the tenant's subscriptions");
        const enabled = listed.value.filter((s) => s.state === "Enabled");
        const named = enabled.find(
          (s) => s.displayName.toLowerCase() === ctx.input.providerName.toLowerCase(),
        );
        const chosen = named ?? enabled[0];
        if (!chosen)
          return fail({
            code: "no_subscription",
            message: `The tenant ${ctx.input.primaryDomain} has no enabled Azure subscription Partner Cloud can see. Ask its administrator to check, then retry the step.`,
          });
        return done({ subscriptionId: chosen.subscriptionId, subscriptionName: chosen.displayName });
      },
    },
    {
      id: "link-billing-account",
      transactional: true,
      async run(ctx) {
        const { customerId } = ctx.output("await-acceptance", Accepted);
        const sub = ctx.output("choose-subscription", Chosen);
        const adopted = await customerRecords.adopt(ctx.tx, {
          orgId: ctx.input.orgId,
          billingAccountId: ctx.input.billingAccountId,
          tenantId: customerId,
          domain: ctx.input.primaryDomain.toLowerCase(),
          providerId: ctx.input.providerId,
          createdBy: ctx.input.requestedBy,
          at: ctx.clock.now(),
        });
        if (!adopted)
          return fail({
            code: "azure_customer_exists",
            message:
              "The organization already has another Azure customer; an organization has one. Create this provider in another organization, or use the option new-customer to add a subscription.",
          });
        await deps.providers().linkAzure(ctx.tx, ctx.input.providerId, {
          tenantId: customerId,
          subscriptionId: sub.subscriptionId,
          subscriptionName: sub.subscriptionName,
        });
        return done({
          tenantId: customerId,
          subscriptionId: sub.subscriptionId,
          billingAccountId: ctx.input.billingAccountId,
        });
      },
    },
    ...accessSteps<MigrateTenantRunInput>(deps, ms),
  ];
  return defineWorkflow({ name: MIGRATE_TENANT_WORKFLOW, version: 1, input: MigrateTenantInput, steps });
}
