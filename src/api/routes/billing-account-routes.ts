import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const at = z.date();

const SupportHintSchema = z.object({
  kind: z.literal("support_request"),
  topic: z.literal("billing_account_eligibility"),
  subject: z.string(),
  summary: z.string(),
  accountAlias: z.string(),
  reason: z.string(),
});

export const EligibilitySchema = z.object({
  eligible: z.boolean(),
  reasons: z.array(
    z.object({
      code: z.enum([
        "ineligible_country",
        "ineligible_reseller",
        "ineligible_not_billable",
        "ineligible_inactive",
      ]),
      message: z.string(),
      wayForward: z.string(),
      support: SupportHintSchema,
    }),
  ),
});

const accountFacts = {
  alias: z.string(),
  name: z.string(),
  country: z.string(),
  status: z.enum(["active", "disabled"]),
  demo: z.boolean(),
  internal: z.boolean(),
  reseller: z.boolean(),
  parentAlias: z.string().nullable(),
  parentReseller: z.boolean(),
};

const BillingAccountSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  costCenterId: z.string().nullable(),
  ...accountFacts,
  connectedAs: z.string(),
  connectedBy: z.string(),
  connectedAt: at,
  factsReadAt: at,
  eligibility: EligibilitySchema,
});

const DiscoverySchema = z.object({
  ticket: z.string(),
  ticketExpiresAt: at,
  partnerCloudUser: z.string(),
  accounts: z.array(
    z.object({
      ...accountFacts,
      eligibility: EligibilitySchema,
      connection: z.enum(["none", "this_organization", "another_organization"]),
    }),
  ),
});

const EligibilityCheckSchema = EligibilitySchema.extend({
  billingAccountId: z.string(),
  accountAlias: z.string(),
  source: z.enum(["live", "stored"]),
  factsReadAt: at,
  liveFailure: z.object({ code: z.string(), message: z.string() }).nullable(),
});

const SettingsSchema = z.object({
  supportedCountries: z.array(z.string()),
  termsDisplayName: z.string().nullable(),
  updatedAt: at.nullable(),
});

const country = z
  .string({ error: "supportedCountries must list ISO 3166-1 alpha-2 country codes such as US" })
  .trim()
  .regex(
    /^[A-Za-z]{2}$/,
    "each of supportedCountries must be a two-letter country code such as US, GB or CA",
  );

export const billingAccountParams = z.object({ billingAccountId: id("billingAccount", "billingAccountId") });

const statusErrors = { ...errorResponses, 409: errorResponses[400], 503: errorResponses[400] };

export function billingAccountRoutes(app: App, deps: ApiDeps): void {
  const { billingAccounts } = deps;

  app.post(
    "/api/v1/organizations/:orgId/billing-accounts/discover",
    {
      schema: {
        operationId: "discoverBillingAccounts",
        tags: ["billing accounts"],
        summary:
          "Sign in to the partner cloud as an Account Administrator and list the accounts it may bill, with their eligibility and a ten-minute connection ticket (the password is used once, never stored)",
        params: orgParams,
        body: strict({
          userName: text("userName", 200),
          password: z
            .string({ error: "password is required: the partner-cloud password of userName" })
            .min(1, "password must not be empty")
            .max(500, "password must be at most 500 characters"),
        }),
        response: { 200: DiscoverySchema, ...statusErrors },
      },
    },
    async (req, reply) =>
      respond(req, reply, await billingAccounts.accounts.discover(callerOf(req), req.params.orgId, req.body)),
  );

  app.post(
    "/api/v1/organizations/:orgId/billing-accounts",
    {
      schema: {
        operationId: "connectBillingAccount",
        tags: ["billing accounts"],
        summary:
          "Connect a discovered partner cloud account to the organization, or to one of its cost centers (organization or cost-center administrators)",
        params: orgParams,
        body: strict({
          ticket: z
            .string({ error: "ticket is required: the ticket that discover returned" })
            .regex(/^pcx_[A-Za-z0-9_-]{43}$/, "ticket must be the ticket that discover returned (pcx_…)"),
          accountAlias: z
            .string({ error: "accountAlias is required: the alias of one of the discovered accounts" })
            .trim()
            .regex(
              /^[A-Za-z0-9_-]{1,32}$/,
              "accountAlias must be the alias of one of the discovered accounts",
            ),
          costCenterId: id("costCenter", "costCenterId").optional(),
        }),
        response: { 201: BillingAccountSchema, ...statusErrors, 410: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await billingAccounts.accounts.connect(callerOf(req), req.params.orgId, req.body),
        201,
      ),
  );

  app.get(
    "/api/v1/organizations/:orgId/billing-accounts",
    {
      schema: {
        operationId: "listBillingAccounts",
        tags: ["billing accounts"],
        summary:
          "Connected billing accounts of an organization (cost-center administrators see their cost centers' accounts)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(BillingAccountSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await billingAccounts.accounts.list(callerOf(req), req.params.orgId, toPage(req.query)),
      ),
  );

  app.get(
    "/api/v1/billing-accounts/:billingAccountId",
    {
      schema: {
        operationId: "getBillingAccount",
        tags: ["billing accounts"],
        summary: "One connected billing account with its eligibility on the stored facts",
        params: billingAccountParams,
        response: { 200: BillingAccountSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await billingAccounts.accounts.get(callerOf(req), req.params.billingAccountId)),
  );

  app.post(
    "/api/v1/billing-accounts/:billingAccountId/eligibility-checks",
    {
      schema: {
        operationId: "checkBillingAccountEligibility",
        tags: ["billing accounts"],
        summary:
          "Check the eligibility rules now: the account is re-read from the partner cloud while the connecting session lasts (its stored facts are refreshed), otherwise the stored facts are used (source says which)",
        params: billingAccountParams,
        response: { 200: EligibilityCheckSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const visible = await billingAccounts.accounts.get(caller, req.params.billingAccountId);
      if (!visible.ok) return respond(req, reply, visible);
      return respond(
        req,
        reply,
        await billingAccounts.checkEligibility(req.params.billingAccountId, caller.actor),
      );
    },
  );

  app.delete(
    "/api/v1/billing-accounts/:billingAccountId",
    {
      schema: {
        operationId: "disconnectBillingAccount",
        tags: ["billing accounts"],
        summary: "Disconnect a billing account (refused while a provider uses it)",
        params: billingAccountParams,
        response: { 204: z.null(), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await billingAccounts.accounts.disconnect(callerOf(req), req.params.billingAccountId),
        204,
      ),
  );

  app.get(
    "/api/v1/partner/billing-account-settings",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "getBillingAccountSettings",
        tags: ["billing accounts"],
        summary:
          "The partner's billing-account settings: supported billing countries, name used in its terms",
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await billingAccounts.settings.get(callerOf(req))),
  );

  app.patch(
    "/api/v1/partner/billing-account-settings",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "updateBillingAccountSettings",
        tags: ["billing accounts"],
        summary: "Change the supported billing countries or the partner's name in its terms (operators)",
        body: strict({
          supportedCountries: z
            .array(country, {
              error: 'supportedCountries must be a list of country codes such as ["US", "GB"]',
            })
            .max(250, "supportedCountries must list at most 250 countries")
            .optional(),
          termsDisplayName: text("termsDisplayName", 200).nullable().optional(),
        }),
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await billingAccounts.settings.update(callerOf(req), req.body)),
  );
}
