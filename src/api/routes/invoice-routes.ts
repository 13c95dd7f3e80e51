import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import { day, month } from "./calendar-fields.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const at = z.date();
const conflict = { 409: errorResponses[400] };

const InvoiceLineSchema = z.object({
  lineNo: z.number(),
  kind: z.enum(["usage", "update_previous", "credit"]),
  description: z.string(),
  servicePeriod: z.string().describe("The month the line's usage happened in (YYYY-MM)"),
  serviceClass: z.enum(["all", "iaas", "saas"]),
  exact: z.string().describe("The exact sum of the line's usage, a decimal string"),
  amount: z.string().describe("`exact` rounded once, half away from zero, to the currency's minor unit"),
  rowCount: z.number(),
  listPrice: z.string().optional().describe("Operators only: Microsoft's list price of the line's usage"),
  partnerCost: z.string().optional().describe("Operators only: what Microsoft charges the partner for it"),
  margin: z.string().optional().describe("Operators only: exact − partner cost"),
});

const InvoiceSchema = z.object({
  id: z.string(),
  number: z.string().nullable().describe("PC-YYYYMM-NNNNNN, given at finalization"),
  orgId: z.string(),
  billingAccountId: z.string(),
  costCenterId: z.string().nullable(),
  period: z.string(),
  kind: z.enum(["invoice", "credit_note"]),
  creditsInvoiceId: z.string().nullable(),
  currency: z.string(),
  state: z.enum(["draft", "finalized"]),
  basis: z.enum(["estimate", "final"]),
  total: z.string(),
  reason: z.string().nullable(),
  createdAt: at,
  updatedAt: at,
  finalizedAt: at.nullable(),
  finalizedBy: z.string().nullable(),
  postState: z.enum(["not_posted", "posting", "posted", "failed"]),
  postedAt: at.nullable(),
  postError: z.object({ code: z.string(), message: z.string() }).nullable(),
  lines: z.array(InvoiceLineSchema).optional(),
});

const LineDetailSchema = z.object({
  invoiceId: z.string(),
  line: InvoiceLineSchema,
  customers: z
    .array(z.object({ customerId: z.string(), exact: z.string(), amount: z.string() }))
    .nullable()
    .describe(
      "Each customer's share of a line of the whole service (not one class of a split): its exact amount (on an update line, what its days changed by since they were billed; negated on a credit line) and the line allocated in proportion to those (largest remainder), adding up to the line exactly. Null when the customers' amounts differ in sign",
    ),
  days: pageOfSchema(
    z.object({
      customerId: z.string(),
      usageDate: z.string(),
      snapshotId: z.number(),
      customerPrice: z.string(),
      listPrice: z.string().optional(),
      partnerCost: z.string().optional(),
    }),
  ).nullable(),
  rows: pageOfSchema(
    z.object({
      customerId: z.string(),
      customerName: z.string(),
      usageDate: z.string(),
      entitlementId: z.string(),
      meterName: z.string(),
      meterCategory: z.string(),
      serviceClass: z.enum(["iaas", "saas"]),
      resourceUri: z.string(),
      chargeType: z.string(),
      unit: z.string(),
      quantity: z.string(),
      unitPrice: z.string().describe("Microsoft's list unit price, in the pricing currency"),
      pricingCurrency: z.string(),
      exchangeRate: z
        .object({
          from: z.string(),
          to: z.string(),
          rate: z.string(),
          source: z.enum(["microsoft", "partner"]),
          date: z.string(),
        })
        .describe("The rate the row was converted with to the invoice currency, its source and its date"),
      customerPrice: z.string(),
      listPrice: z.string().optional(),
      partnerCost: z.string().optional(),
    }),
  ).nullable(),
});

const invoiceParams = z.object({ invoiceId: id("invoice", "invoiceId") });

/** Invoices of billing accounts: reads for their organization, drafting, and the operators' lifecycle commands. */
export function invoiceRoutes(app: App, deps: ApiDeps): void {
  const { invoicing } = deps;

  app.get(
    "/api/v1/organizations/:orgId/invoices",
    {
      schema: {
        operationId: "listInvoices",
        tags: ["invoices"],
        summary:
          "Invoices and credit notes of an organization, newest first (cost-center administrators see their cost centers' billing accounts')",
        params: orgParams,
        querystring: pageQuery.extend({
          billingAccountId: id("billingAccount", "billingAccountId").optional(),
          period: month("period").optional(),
          state: z.enum(["draft", "finalized"], { error: "state must be draft or finalized" }).optional(),
        }),
        response: { 200: pageOfSchema(InvoiceSchema), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { billingAccountId, period: month, state, ...page } = req.query;
      return respond(
        req,
        reply,
        await invoicing.list(
          callerOf(req),
          req.params.orgId,
          {
            ...(billingAccountId ? { billingAccountId } : {}),
            ...(month ? { period: month } : {}),
            ...(state ? { state } : {}),
          },
          toPage(page),
        ),
      );
    },
  );

  app.get(
    "/api/v1/invoices/:invoiceId",
    {
      schema: {
        operationId: "getInvoice",
        tags: ["invoices"],
        summary:
          "An invoice or credit note with its lines (list price, partner cost and margin for operators)",
        params: invoiceParams,
        response: { 200: InvoiceSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await invoicing.get(callerOf(req), req.params.invoiceId)),
  );

  app.get(
    "/api/v1/invoices/:invoiceId/lines/:lineNo/detail",
    {
      schema: {
        operationId: "getInvoiceLineDetail",
        tags: ["invoices"],
        summary:
          "The customer-days behind an invoice line, or with rows=true their usage rows, paged; of one customer or day if asked",
        params: invoiceParams.extend({
          lineNo: z.coerce
            .number({ error: "lineNo must be a line number from 1" })
            .int("lineNo must be a whole number")
            .min(1, "lineNo must be at least 1")
            .max(10_000, "lineNo must be at most 10000"),
        }),
        querystring: pageQuery.extend({
          rows: z
            .enum(["true", "false"], { error: "rows must be true or false" })
            .optional()
            .describe("true: the usage rows instead of the customer-days"),
          customerId: z
            .string()
            .min(1, "customerId must be a customer tenant id, e.g. 0f4a7c2e-5b1d-4e8a-9c3f-2d6b8e1a4c7f")
            .max(100, "customerId must be a customer tenant id of at most 100 characters")
            .optional()
            .describe("only this customer's days or rows"),
          usageDate: day("usageDate")
            .optional()
            .describe("only this day's customer-days or rows: with customerId, one customer-day's rows"),
        }),
        response: { 200: LineDetailSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { rows, customerId, usageDate, ...page } = req.query;
      return respond(
        req,
        reply,
        await invoicing.lineDetail(callerOf(req), req.params.invoiceId, req.params.lineNo, {
          rows: rows === "true",
          page: toPage(page),
          filter: { ...(customerId ? { customerId } : {}), ...(usageDate ? { usageDate } : {}) },
        }),
      );
    },
  );

  app.post(
    "/api/v1/billing-accounts/:billingAccountId/invoices/:period/draft",
    {
      schema: {
        operationId: "draftInvoice",
        tags: ["invoices"],
        summary:
          "Builds (or rebuilds) the billing account's draft invoice of a month from the usage as rated now",
        description:
          "Operators and organization administrators. The month's usage is one line (or IaaS and SaaS lines), " +
          'plus an "Update to Previous Month" line per earlier finalized month whose rating changed. A finalized ' +
          "month is refused (invoice_finalized).",
        params: z.object({
          billingAccountId: id("billingAccount", "billingAccountId"),
          period: month("period"),
        }),
        response: { 200: InvoiceSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await invoicing.draft(callerOf(req), req.params.billingAccountId, req.params.period),
      ),
  );

  app.post(
    "/api/v1/invoices/:invoiceId/finalize",
    {
      schema: {
        operationId: "finalizeInvoice",
        tags: ["invoices"],
        summary:
          "Operators: numbers and finalizes a draft, rebuilt from the usage as it is now; it never changes again",
        params: invoiceParams,
        response: { 200: InvoiceSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => respond(req, reply, await invoicing.finalize(callerOf(req), req.params.invoiceId)),
  );

  app.post(
    "/api/v1/invoices/:invoiceId/credit-notes",
    {
      schema: {
        operationId: "creditInvoice",
        tags: ["invoices"],
        summary:
          "Operators: a credit note taking a finalized invoice back; its usage is billed on the next invoice",
        params: invoiceParams,
        body: strict({ reason: text("reason", 500) }),
        response: { 201: InvoiceSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await invoicing.creditNote(callerOf(req), req.params.invoiceId, req.body.reason),
        201,
      ),
  );

  app.post(
    "/api/v1/invoices/:invoiceId/post",
    {
      schema: {
        operationId: "postInvoice",
        tags: ["invoices"],
        summary:
          "Operators: posts a finalized invoice's lines to the partner cloud's invoice of its account and month",
        description:
          "Each line goes with the key invoiceId:lineNo, so posting again adds nothing twice. The answer shows " +
          "postState posted, or failed with the partner cloud's error.",
        params: invoiceParams,
        response: { 200: InvoiceSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) => respond(req, reply, await invoicing.post(callerOf(req), req.params.invoiceId)),
  );
}
