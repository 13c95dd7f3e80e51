import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { email, errorResponses, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";
import { billingAccountParams } from "./billing-account-routes.ts";

const at = z.date();
const kind = z.enum(["partner_terms", "customer_agreement"], {
  error: "kind must be 'partner_terms' or 'customer_agreement'",
});

const TermsDocumentSchema = z.object({
  kind,
  version: z.number(),
  title: z.string(),
  body: z.string(),
  url: z.string().nullable(),
  publishedAt: at,
});

const CurrentTermsSchema = z.object({
  partnerDisplayName: z.string().nullable(),
  partnerTerms: TermsDocumentSchema,
  customerAgreement: TermsDocumentSchema,
});

const TermsAcceptanceSchema = z.object({
  id: z.string(),
  billingAccountId: z.string(),
  partnerTermsVersion: z.number(),
  customerAgreementVersion: z.number(),
  acceptedBy: z.string(),
  acceptedAt: at,
  clientAddress: z.string(),
  userAgent: z.string(),
  contact: z.object({
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phoneNumber: z.string().nullable(),
  }),
});

const version = (field: string) =>
  z
    .number({ error: `${field} is required: the version number GET /api/v1/terms shows` })
    .int(`${field} must be a whole number`)
    .min(1, `${field} must be at least 1`);

export function termsRoutes(app: App, deps: ApiDeps): void {
  const { billingAccounts } = deps;

  app.get(
    "/api/v1/terms",
    {
      schema: {
        operationId: "getCurrentTerms",
        tags: ["terms"],
        summary: "The current versions of the partner's terms and Microsoft's Customer Agreement",
        response: { 200: CurrentTermsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, ok(await billingAccounts.terms.current())),
  );

  app.post(
    "/api/v1/terms/:kind/versions",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "publishTermsVersion",
        tags: ["terms"],
        summary:
          "Publish the next version of the partner's terms or of the customer agreement (operators); acceptances of earlier versions stop counting",
        params: z.object({ kind }),
        body: strict({
          title: text("title", 200).optional(),
          body: text("body", 100_000),
          url: z
            .url({ error: "url must be an https:// address of the document" })
            .startsWith("https://", "url must be an https:// address of the document")
            .nullable()
            .optional(),
        }),
        response: { 201: TermsDocumentSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await billingAccounts.terms.publish(callerOf(req), req.params.kind, req.body), 201),
  );

  app.post(
    "/api/v1/billing-accounts/:billingAccountId/terms-acceptances",
    {
      schema: {
        operationId: "acceptTerms",
        tags: ["terms"],
        summary:
          "Accept the current partner terms and Microsoft Customer Agreement for a billing account, naming the customer's contact",
        params: billingAccountParams,
        body: strict({
          partnerTermsVersion: version("partnerTermsVersion"),
          customerAgreementVersion: version("customerAgreementVersion"),
          contact: strict({
            firstName: text("contact.firstName"),
            lastName: text("contact.lastName"),
            email: email("contact.email"),
            phoneNumber: z
              .string({ error: "contact.phoneNumber must be text such as +44 20 7946 0000" })
              .trim()
              .regex(
                /^\+?[0-9 ()./-]{5,30}$/,
                "contact.phoneNumber must be a phone number such as +44 20 7946 0000",
              )
              .optional(),
          }),
        }),
        response: { 201: TermsAcceptanceSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await billingAccounts.terms.accept(callerOf(req), req.params.billingAccountId, req.body, {
          clientAddress: req.ip,
          userAgent: (req.headers["user-agent"] ?? "").slice(0, 500),
        }),
        201,
      ),
  );

  app.get(
    "/api/v1/billing-accounts/:billingAccountId/terms-acceptances",
    {
      schema: {
        operationId: "listTermsAcceptances",
        tags: ["terms"],
        summary: "Terms acceptances recorded for a billing account, newest first",
        params: billingAccountParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(TermsAcceptanceSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await billingAccounts.terms.acceptances(
          callerOf(req),
          req.params.billingAccountId,
          toPage(req.query),
        ),
      ),
  );
}
