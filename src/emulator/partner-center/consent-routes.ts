import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ApplicationConsentRecord } from "./commerce-state.ts";
import { collection, pcFault, send } from "./pc-answer.ts";
import { customerOf, isGuid, partnerOf, type PcContext } from "./pc-context.ts";
import { customerWrite } from "./replay.ts";

const ConsentBody = z.object({
  applicationId: z.string().refine(isGuid, "must be the application's client id (a GUID)"),
  applicationGrants: z
    .array(
      z.object({
        enterpriseApplicationId: z.string().refine(isGuid, "must be a first-party application id"),
        scope: z.string().trim().min(1),
      }),
    )
    .min(1),
  displayName: z.string().optional(),
});

function consentView(c: ApplicationConsentRecord) {
  return {
    applicationId: c.applicationId,
    applicationGrants: c.applicationGrants,
    ...(c.displayName === undefined ? {} : { displayName: c.displayName }),
    attributes: { objectType: "ApplicationConsent" },
  };
}

/**
 * The scopes a consent grants, as `<enterprise application id>/<scope>`: each grant names a first-party API
 * (797f4846-ba00-4fd7-ba43-dac1f8f63013 Azure Resource Manager, 00000003-0000-0000-c000-000000000000 Graph) and
 * a comma-separated list of its scopes.
 */
const scopesOf = (grants: ApplicationConsentRecord["applicationGrants"]) =>
  grants.flatMap((g) =>
    g.scope
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => `${g.enterpriseApplicationId.toLowerCase()}/${s}`),
  );

/**
 * Application consents for a partner's multi-tenant application in its customers' tenants (the control-panel-vendor
 * and secure application model): creating one gives the application a service principal in the customer's tenant,
 * where it may then obtain app-only tokens; deleting it takes that away.
 */
export function consentRoutes(app: FastifyInstance, ctx: PcContext) {
  type Create = { Params: { id: string }; Body: unknown };
  app.post(
    "/v1/customers/:id/applicationconsents",
    customerWrite<Create>(ctx, (req, customer) => {
      const parsed = ConsentBody.safeParse(req.body);
      if (!parsed.success)
        return pcFault(
          400,
          800002,
          `The application consent is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
        );
      const applicationId = parsed.data.applicationId.toLowerCase();
      const registered = ctx.state.app(applicationId);
      if (!registered)
        return pcFault(404, 1000, `The application ${applicationId} is not registered in any tenant.`);
      if (registered.tenantId !== partnerOf(ctx, req))
        return pcFault(
          403,
          400,
          `The application ${applicationId} is not registered in the partner's tenant.`,
        );
      const record: ApplicationConsentRecord = {
        partnerTenantId: partnerOf(ctx, req),
        customerId: customer.id,
        applicationId,
        ...(parsed.data.displayName === undefined ? {} : { displayName: parsed.data.displayName }),
        applicationGrants: parsed.data.applicationGrants,
        createdAt: ctx.clock.nowIso(),
      };
      ctx.commerce.applicationConsents.upsert(
        (c) => c.customerId === record.customerId && c.applicationId === applicationId,
        record,
      );
      ctx.state.grantConsent(applicationId, customer.id, scopesOf(record.applicationGrants));
      return { status: 201, body: consentView(record) };
    }),
  );

  app.get(
    "/v1/customers/:id/applicationconsents",
    async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const found = customerOf(ctx, req, req.params.id);
      if ("refusal" in found) return send(reply, found.refusal);
      const items = ctx.commerce.applicationConsents
        .filter((c) => c.customerId === found.customer.id)
        .map(consentView);
      return send(reply, { status: 200, body: collection(items) });
    },
  );

  app.delete(
    "/v1/customers/:id/applicationconsents/:applicationId",
    async (req: FastifyRequest<{ Params: { id: string; applicationId: string } }>, reply) => {
      const found = customerOf(ctx, req, req.params.id);
      if ("refusal" in found) return send(reply, found.refusal);
      const applicationId = req.params.applicationId.toLowerCase();
      const removed = ctx.commerce.applicationConsents.remove(
        (c) => c.customerId === found.customer.id && c.applicationId === applicationId,
      );
      if (!removed)
        return send(
          reply,
          pcFault(404, 1000, `The application ${applicationId} has no consent in this customer's tenant.`),
        );
      ctx.state.removeConsent(applicationId, found.customer.id);
      return reply.code(204).send();
    },
  );
}
