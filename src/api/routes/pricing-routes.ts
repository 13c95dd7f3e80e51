import { z } from "zod";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, strict } from "../schemas.ts";
import { month } from "./calendar-fields.ts";
import { orgParams } from "./organization-routes.ts";

const at = z.date();
const conflict = { 409: errorResponses[400], 422: errorResponses[400] };

const percent = (field: string) =>
  z
    .string({
      error: `${field} is required: give a percentage as text, e.g. "12.5" (a discount is negative)`,
    })
    .trim()
    .regex(
      /^[+-]?(\d{1,9}(\.\d*)?|\.\d+)$/,
      `${field} must be a decimal number as text, e.g. "12.5" or "-7.25"`,
    );

const categoryMarkups = z
  .record(
    z.string().trim().min(1, "categoryMarkups: a meter category name must not be empty").max(100),
    percent("categoryMarkups[category]"),
  )
  .refine((r) => Object.keys(r).length <= 100, "categoryMarkups may name at most 100 meter categories")
  .optional()
  .describe('Per meter category, e.g. {"Virtual Machines": "5"}; names match without case or extra spaces');

const PlanSchema = z.object({
  effectiveFrom: z.string().nullable(),
  markupPercent: z.string(),
  categoryMarkups: z.record(z.string(), z.string()),
});

const PricePlanSchema = PlanSchema.extend({
  id: z.string(),
  orgId: z.string(),
  effectiveFrom: z.string(),
  status: z.enum(["past", "current", "scheduled"]),
  createdBy: z.string(),
  createdAt: at,
});

const PreviewSchema = z.object({
  month: z.string(),
  currentPlan: PlanSchema,
  proposedPlan: PlanSchema,
  accounts: z.array(
    z.object({
      billingAccountId: z.string(),
      alias: z.string(),
      costCenterId: z.string().nullable(),
      currency: z.string(),
      currentTotal: z.string(),
      proposedTotal: z.string(),
      difference: z.string(),
    }),
  ),
});

const ExchangeRateSchema = z.object({
  from: z.string(),
  to: z.string(),
  month: z.string(),
  rate: z.string(),
  setBy: z.string(),
  setAt: at,
});

const rateParams = z.object({
  from: z.string().regex(/^[A-Za-z]{3}$/, "from must be an ISO 4217 currency code, e.g. USD"),
  to: z.string().regex(/^[A-Za-z]{3}$/, "to must be an ISO 4217 currency code, e.g. EUR"),
  month: month("month", "2026-10"),
});

const SettingsSchema = z.object({
  label: z.string(),
  splitServices: z.boolean(),
  timing: z.enum(["estimate", "arrears"]),
  updatedBy: z.string().nullable(),
  updatedAt: at.nullable(),
});

const customerParams = z.object({
  customerId: z
    .string()
    .regex(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      "customerId must be the customer's tenant id (a GUID), e.g. 00000000-0000-0000-0000-000000000000",
    ),
});

/** Price plans of organizations; the partner's exchange rates, billing policy and routing of usage (operators). */
export function pricingRoutes(app: App, deps: ApiDeps): void {
  const { billingPricing: pricing, billingRating: rating } = deps;

  app.get(
    "/api/v1/organizations/:orgId/price-plans",
    {
      schema: {
        operationId: "listPricePlans",
        tags: ["billing"],
        summary: "The organization's price plans, oldest first, with the one that applies now",
        params: orgParams,
        response: { 200: z.object({ items: z.array(PricePlanSchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const plans = await pricing.plans.list(callerOf(req), req.params.orgId);
      return respond(req, reply, plans.ok ? ok({ items: plans.value }) : plans);
    },
  );

  app.post(
    "/api/v1/organizations/:orgId/price-plans",
    {
      schema: {
        operationId: "createPricePlan",
        tags: ["billing"],
        summary: "A price plan from a month not yet started (replaces one scheduled for that month)",
        description:
          "The customer price is Microsoft's list price × (1 + markupPercent / 100): a negative markup is a discount, " +
          "-100 at most. A plan starts in a future month so that no period that may be billed is repriced.",
        params: orgParams,
        body: strict({
          effectiveFrom: month("effectiveFrom", "2027-01"),
          markupPercent: percent("markupPercent"),
          categoryMarkups,
        }),
        response: { 201: PricePlanSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(req, reply, await pricing.plans.create(callerOf(req), req.params.orgId, req.body), 201),
  );

  app.post(
    "/api/v1/organizations/:orgId/price-plans/preview",
    {
      schema: {
        operationId: "previewPricePlan",
        tags: ["billing"],
        summary: "What a month's invoices total under the current and a proposed plan (nothing is saved)",
        params: orgParams,
        body: strict({
          markupPercent: percent("markupPercent"),
          categoryMarkups,
          month: month("month", "2026-10").optional().describe("Default: the last complete month"),
        }),
        response: { 200: PreviewSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(req, reply, await pricing.plans.preview(callerOf(req), req.params.orgId, req.body)),
  );

  app.get(
    "/api/v1/billing/exchange-rates",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listExchangeRates",
        tags: ["billing"],
        summary: "Operators: the partner's monthly exchange rates",
        querystring: strict({ month: month("month", "2026-10").optional() }),
        response: { 200: z.object({ items: z.array(ExchangeRateSchema) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const rates = await pricing.exchangeRates.list(
        callerOf(req),
        req.query.month ? { month: req.query.month } : {},
      );
      return respond(req, reply, rates.ok ? ok({ items: rates.value }) : rates);
    },
  );

  app.put(
    "/api/v1/billing/exchange-rates/:from/:to/:month",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "setExchangeRate",
        tags: ["billing"],
        summary: "Operators: set the partner's rate from one currency to another for a month",
        description: "Used for that month's usage instead of Microsoft's PCToBCExchangeRate.",
        params: rateParams,
        body: strict({
          rate: z
            .string({ error: 'rate is required: give the rate as text, e.g. "0.92"' })
            .trim()
            .regex(
              /^\+?(\d{1,12}(\.\d*)?|\.\d+)$/,
              'rate must be a decimal number above 0 as text, e.g. "0.92"',
            ),
        }),
        response: { 200: ExchangeRateSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { from, to, month: m } = req.params;
      return respond(
        req,
        reply,
        await pricing.exchangeRates.set(callerOf(req), { from, to, month: m }, req.body.rate),
      );
    },
  );

  app.delete(
    "/api/v1/billing/exchange-rates/:from/:to/:month",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "deleteExchangeRate",
        tags: ["billing"],
        summary: "Operators: remove a month's rate (that month goes back to Microsoft's rate)",
        params: rateParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await pricing.exchangeRates.remove(callerOf(req), req.params), 204),
  );

  app.get(
    "/api/v1/billing/settings",
    {
      schema: {
        operationId: "getBillingSettings",
        tags: ["billing"],
        summary: "The partner's billing policy: the invoice line's label, the IaaS/SaaS split and the timing",
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, ok(await pricing.settings.current())),
  );

  app.put(
    "/api/v1/billing/settings",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "updateBillingSettings",
        tags: ["billing"],
        summary: "Operators: set the billing policy",
        description:
          "timing: estimate bills each month at its end from the data so far and reconciles on the next invoice; " +
          "arrears bills a month once Microsoft's billed data makes it final.",
        body: strict({
          label: z
            .string({ error: "label is required: give the invoice line's text, 1 to 100 characters" })
            .trim()
            .min(1, "label must not be empty")
            .max(100, "label must be at most 100 characters"),
          splitServices: z.boolean({ error: "splitServices is required: true or false" }),
          timing: z.enum(["estimate", "arrears"], { error: "timing must be estimate or arrears" }),
        }),
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await pricing.settings.update(callerOf(req), req.body)),
  );

  app.get(
    "/api/v1/billing/unassigned-usage",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listUnassignedUsage",
        tags: ["billing"],
        summary: "Operators: a month's usage that no billing account takes, per customer",
        querystring: strict({ month: month("month", "2026-10") }),
        response: {
          200: z.object({
            month: z.string(),
            items: z.array(
              z.object({
                customerId: z.string(),
                customerName: z.string(),
                rows: z.number(),
                listPrice: z.string(),
                currency: z.string(),
                billingAccountId: z.string().nullable(),
              }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const items = await rating.unassignedUsageFor(callerOf(req), req.query.month);
      return respond(req, reply, items.ok ? ok({ month: req.query.month, items: items.value }) : items);
    },
  );

  app.put(
    "/api/v1/billing/usage-assignments/:customerId",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "assignUsage",
        tags: ["billing"],
        summary: "Operators: bill a customer tenant's usage to a billing account",
        params: customerParams,
        body: strict({ billingAccountId: id("billingAccount", "billingAccountId") }),
        response: {
          200: z.object({
            customerId: z.string(),
            billingAccountId: z.string(),
            assignedBy: z.string(),
            assignedAt: at,
          }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await rating.assignUsage(callerOf(req), req.params.customerId, req.body.billingAccountId),
      ),
  );
}
