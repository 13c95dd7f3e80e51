import { z } from "zod";
import { readTokenClaims } from "../../../integrations/entra/index.ts";
import { ok } from "../../../platform/result.ts";
import { done, fail, wait, type Step } from "../engine/definitions.ts";
import { customerRecords } from "../customers.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { domainCandidates, initialDomain } from "./domains.ts";
import type { NewCustomerRunInput } from "./input.ts";
import { outcomeOfError } from "./outcomes.ts";

type S = Step<NewCustomerRunInput>;

/** Azure Service Management, the first-party API our application is consented to in a new customer's tenant. */
export const AZURE_SERVICE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
/** How often a step that waits for Microsoft or for another run looks again. */
const POLL_MS = 5_000;

export const Skipped = z.object({ skipped: z.literal(true) });
export const ChosenDomain = z.object({ domain: z.string() });
export const CreatedCustomer = z.object({
  customerId: z.string(),
  domain: z.string(),
  adminUserName: z.string().nullable(),
  adminPasswordSealed: z.string().nullable(),
  adopted: z.boolean(),
});
export const KnownCustomer = z.object({ customerId: z.string() });

const skipped = () => done({ skipped: true });
const profileOf = (input: NewCustomerRunInput) => {
  if (!input.customer)
    throw new Error(`run for provider ${input.providerId} creates a customer without a profile`);
  return input.customer;
};

/** Steps that make (or find) the organization's Azure customer: B5 and B6 of microsoft-apis.md. */
export function customerSteps(deps: OnboardingDeps, ms: () => MicrosoftPorts): S[] {
  return [
    {
      id: "choose-domain",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const profile = profileOf(ctx.input);
        const candidates = domainCandidates({
          requested: profile.domainPrefix ?? null,
          companyName: profile.companyName,
        });
        const reserved = (await customerRecords.of(deps.db, ctx.input.orgId))?.domain ?? null;
        for (const prefix of candidates) {
          const domain = initialDomain(prefix);
          // Reserved by this organization on an earlier attempt, and perhaps created since: keep it.
          if (domain !== reserved) {
            const free = await ms().partnerCenter.isDomainAvailable(domain);
            if (!free.ok) return outcomeOfError(free.error, "Checking the domain");
            if (!free.value) continue;
          }
          if (await customerRecords.reserveDomain(deps.db, ctx.input.orgId, domain)) return done({ domain });
        }
        return fail({
          code: "domain_taken",
          message: profile.domainPrefix
            ? `The domain ${initialDomain(profile.domainPrefix)} was taken since the request: create the provider again with another domain prefix.`
            : `No free domain was found for "${profile.companyName}": create the provider again with a domain prefix of your choice.`,
        });
      },
    },
    {
      id: "validate-address",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const checked = await ms().partnerCenter.validateAddress(profileOf(ctx.input).address);
        if (!checked.ok) return outcomeOfError(checked.error, "Validating the address");
        if (!checked.value.valid)
          return fail({
            code: "address_invalid",
            message: `Microsoft did not accept the company address (${checked.value.status}${checked.value.message ? `: ${checked.value.message}` : ""}). Correct it and create the provider again.`,
          });
        return done({ status: checked.value.status });
      },
    },
    {
      id: "create-customer",
      // A customer tenant cannot be deleted: once made, the run is resumed, never undone.
      pointOfNoReturn: true,
      deadlineMs: 30 * 60_000,
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const profile = profileOf(ctx.input);
        const { domain } = ctx.output("choose-domain", ChosenDomain);
        const pc = ms().partnerCenter;
        const prefix = domain.slice(0, domain.indexOf("."));
        const ours = async () => {
          const found = await pc.findCustomersByDomain(prefix);
          return found.ok ? ok(found.value.find((c) => c.domain.toLowerCase() === domain) ?? null) : found;
        };
        // An earlier attempt may have created it without hearing the answer: look before creating again.
        const existing = await ours();
        if (!existing.ok) return outcomeOfError(existing.error, "Looking for the customer");
        // Found or not, the create is sent with the key every attempt of this step shares: a Partner Center that
        // kept the first answer for that MS-RequestId (B1) gives it again, with the administrator's one-time
        // password, which adopting the customer would lose. The domain is unique, so nothing is created twice.
        const created = await pc.createCustomer(
          {
            domain,
            companyName: profile.companyName,
            billingEmail: profile.contact.email,
            culture: "en-US",
            language: "en",
            contact: {
              firstName: profile.contact.firstName,
              lastName: profile.contact.lastName,
              email: profile.contact.email,
              ...(profile.contact.phoneNumber ? { phoneNumber: profile.contact.phoneNumber } : {}),
            },
            address: profile.address,
          },
          { idempotencyKey: ctx.idempotencyKey },
        );
        if (!created.ok) {
          if (created.error.code !== "domain_taken")
            return outcomeOfError(created.error, "Creating the Azure customer");
          // Taken, and no first answer given again: an attempt whose answer was lost (a cut connection the adapter
          // sent again, to a Partner Center that did not replay it) may have made it. Look again: a customer of
          // ours with this domain is adopted, without the password its lost answer carried.
          const mine = existing.value ? existing : await ours();
          if (!mine.ok) return outcomeOfError(mine.error, "Looking for the customer");
          if (!mine.value) return outcomeOfError(created.error, "Creating the Azure customer");
          return done({
            customerId: mine.value.customerId,
            domain,
            adminUserName: null,
            adminPasswordSealed: null,
            adopted: true,
          });
        }
        const admin = created.value.admin;
        return done({
          customerId: created.value.customerId,
          domain: created.value.domain,
          adminUserName: admin
            ? `${admin.userName.includes("@") ? admin.userName : `${admin.userName}@${domain}`}`
            : null,
          // The one-time password never rests in clear: only the secret box's envelope is saved.
          adminPasswordSealed: admin ? deps.secrets().encrypt(admin.password) : null,
          adopted: false,
        });
      },
    },
    {
      id: "record-customer",
      transactional: true,
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const c = ctx.output("create-customer", CreatedCustomer);
        await customerRecords.created(ctx.tx, ctx.input.orgId, {
          tenantId: c.customerId,
          domain: c.domain,
          adminUserName: c.adminUserName,
          adminPasswordSealed: c.adminPasswordSealed,
          at: ctx.clock.now(),
        });
        return done({ customerId: c.customerId });
      },
    },
    {
      id: "await-customer",
      deadlineMs: 90 * 60_000,
      async run(ctx) {
        if (ctx.input.createsCustomer) return skipped();
        const row = await customerRecords.of(deps.db, ctx.input.orgId);
        if (row?.state === "active" && row.tenantId && row.azurePlanId)
          return done({ customerId: row.tenantId });
        if (!row)
          return fail({
            code: "customer_creation_failed",
            message:
              "The organization's Azure customer was not created (its first provider's onboarding was cancelled): create this provider again.",
          });
        return wait({
          untilMs: ctx.clock.now().getTime() + POLL_MS,
          reason: "the organization's Azure customer is being created",
          waitingFor: "the organization's first Azure provider to finish creating the Azure customer",
        });
      },
    },
    {
      id: "consent-application",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const { customerId } = ctx.output("create-customer", CreatedCustomer);
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
      id: "attest-agreement",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return skipped();
        const { customerId } = ctx.output("create-customer", CreatedCustomer);
        const accepted = await deps.billing.acceptance(ctx.input.billingAccountId);
        if (!accepted)
          return fail({
            code: "terms_not_accepted",
            message:
              "The Microsoft Customer Agreement is no longer accepted for this billing account (a new version was published): accept the current terms, then retry the step.",
          });
        const c = accepted.contact;
        const attested = await ms().partnerCenter.attestCustomerAgreement(
          customerId,
          {
            firstName: c.firstName,
            lastName: c.lastName,
            email: c.email,
            ...(c.phoneNumber ? { phoneNumber: c.phoneNumber } : {}),
          },
          accepted.acceptedAt,
          { idempotencyKey: ctx.idempotencyKey },
        );
        if (!attested.ok) return outcomeOfError(attested.error, "Attesting the Microsoft Customer Agreement");
        return done({ alreadyAttested: attested.value.alreadyAttested });
      },
    },
  ];
}

/** Our service principal in the customer's tenant: the `oid` of an app-only token there. */
export async function ourPrincipalIn(ms: MicrosoftPorts, tenantId: string) {
  const token = await ms.tokens.appToken(tenantId, "https://management.azure.com");
  if (!token.ok) return token;
  const oid = readTokenClaims(token.value.token)?.oid;
  return { ok: true as const, value: oid ?? null };
}
