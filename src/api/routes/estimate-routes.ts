import { z } from "zod";
import { EstimateRequest } from "../../modules/billing/estimates/index.ts";
import type { EstimateScope } from "../../modules/billing/estimates/index.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { sendError } from "../http-errors.ts";
import { appError } from "../../platform/result.ts";
import { errorResponses, strict } from "../schemas.ts";

const CurrencyEstimateSchema = z.object({
  currency: z.string().describe("ISO 4217: the billing account's currency"),
  method: z.string().describe("The method that made the figures: proration, run-rate or day-of-week"),
  daysSampled: z.number().int(),
  completeThrough: z.number().int().describe("The last day of the month taken as complete (0: none yet)"),
  mtd: z.string().describe("Month to date at the customer's price, rounded to the currency's minor unit"),
  eom: z.string().describe("The projected month total"),
  low: z.string(),
  high: z.string(),
  prorationEom: z.string().describe("The seeds' proration (MTD × days in month ÷ days elapsed), to compare"),
  exact: z.object({ mtd: z.string(), eom: z.string() }).describe("The same, unrounded"),
});

const ScopeEstimateSchema = z.object({
  scope: z.object({ kind: z.string(), id: z.string() }),
  month: z.string(),
  asOf: z.string(),
  latencyDays: z.number().int(),
  estimates: z.array(CurrencyEstimateSchema),
});

const scopeKinds = ["billing_account", "organization", "cost_center", "provider"] as const;

const estimateQuery = strict({
  scope: z
    .enum(scopeKinds, { error: "scope must be billing_account, organization, cost_center or provider" })
    .describe("What to estimate"),
  id: z
    .string({ error: "id is required: the id of the billing account, organization, cost center or provider" })
    .regex(/^[a-z]{2,4}_[0-9a-z]{1,40}$/, "id must be an id such as ba_…, org_…, cc_… or prv_…"),
  month: z.string().optional(),
  asOf: z.string().optional(),
  method: z.enum(["proration", "run-rate", "day-of-week", "best"]).optional(),
  latencyDays: z.coerce.number().optional(),
});

const prefixOf: Record<EstimateScope["kind"], string> = {
  billing_account: "ba_",
  organization: "org_",
  cost_center: "cc_",
  provider: "prv_",
};

/** A decimal string as a JSON number literal, digit for digit: the seeds' API answers numbers, we never round-trip floats. */
const jsonNumber = (decimal: string) => (/^-?\d+(\.\d+)?$/.test(decimal) ? decimal : "0");

/** Month-to-date and month-end estimates: the seeds' API, and a richer one per scope. */
export function estimateRoutes(app: App, deps: ApiDeps): void {
  const { estimates } = deps;

  app.get(
    "/api/v1/estimates",
    {
      schema: {
        operationId: "getEstimate",
        tags: ["billing"],
        summary:
          "Month to date and the projected month end at the customer's price for a billing account, organization, cost center or provider, one per billing currency, with the method, the days sampled and a range",
        querystring: estimateQuery,
        response: { 200: ScopeEstimateSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) => {
      const { scope, id, ...request } = req.query;
      if (!id.startsWith(prefixOf[scope]))
        return sendError(
          req,
          reply,
          appError(
            "validation_failed",
            `id must be the id of a ${scope.replace("_", " ")} (${prefixOf[scope]}…) when scope is ${scope}`,
            { field: "id" },
          ),
        );
      const parsed = EstimateRequest.safeParse(request);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.join(".") || "query";
        return sendError(
          req,
          reply,
          appError("validation_failed", `${field} ${issue?.message ?? "is not valid"}`, { field }),
        );
      }
      return respond(req, reply, await estimates.estimate(callerOf(req), { kind: scope, id }, parsed.data));
    },
  );

  app.get(
    "/accounts/:alias/azure/billingestimate",
    {
      schema: {
        operationId: "getBillingEstimate",
        tags: ["billing"],
        summary:
          "The original product's estimate API: month to date and the month end prorated by days for the connected billing account with this alias, as JSON numbers in its currency (authenticate with an API token)",
        params: z.object({
          alias: z
            .string()
            .regex(/^[A-Za-z0-9_-]{1,32}$/, "alias must be the alias of a connected billing account"),
        }),
      },
    },
    async (req, reply) => {
      const result = await estimates.billingEstimate(callerOf(req), req.params.alias);
      if (!result.ok) return sendError(req, reply, result.error);
      const { mtdEstimate, eomEstimate } = result.value;
      return reply
        .code(200)
        .type("application/json; charset=utf-8")
        .send(`{"mtdEstimate":${jsonNumber(mtdEstimate)},"eomEstimate":${jsonNumber(eomEstimate)}}`);
    },
  );
}
