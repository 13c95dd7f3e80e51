import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { isAppPlusUser } from "../entra/verify-token.ts";
import { AGREEMENT_TEMPLATES, selectedTypes, templateOf } from "./agreements.ts";
import type { AgreementRecord } from "./commerce-state.ts";
import { collection, pcFault, pcNamedFault, send, type PcAnswer } from "./pc-answer.ts";
import { customerOf, partnerOf, type PcContext } from "./pc-context.ts";
import { replayable } from "./replay.ts";

const AgreementBody = z.object({
  primaryContact: z.object({
    firstName: z.string().trim().min(1),
    lastName: z.string().trim().min(1),
    email: z.email(),
    phoneNumber: z.string().optional(),
  }),
  dateAgreed: z.iso.datetime({ offset: true }).or(z.iso.date()),
  templateId: z.string().min(1),
  type: z.string().min(1),
});

/** MCA metadata and attestation are App+User only (B6, A5): an app-only token is refused. */
export function requireAppPlusUser(ctx: PcContext, req: FastifyRequest): PcAnswer | null {
  return isAppPlusUser(ctx.claims(req))
    ? null
    : pcFault(
        403,
        400,
        "This operation requires an App+User token (a partner user signed in through your application); an app-only token is not accepted.",
      );
}

function agreementView(a: AgreementRecord) {
  return {
    primaryContact: a.primaryContact,
    dateAgreed: a.dateAgreed,
    templateId: a.templateId,
    type: a.type,
    userId: a.userId,
    agreementLink: templateOf(a.type)?.agreementLink,
    attributes: { objectType: "Agreement" },
  };
}

/** Whether the partner attested that the customer accepted the Microsoft Customer Agreement (B7 prerequisite). */
export const hasAcceptedMca = (ctx: PcContext, partnerTenantId: string, customerId: string) =>
  ctx.commerce.agreements.find(
    (a) =>
      a.partnerTenantId === partnerTenantId &&
      a.customerId === customerId &&
      a.type === "MicrosoftCustomerAgreement",
  ) !== undefined;

/**
 * Microsoft Customer Agreement (B6): template metadata, the partner's attestation that a customer accepted it, and
 * reading attestations back. All three are App+User only.
 */
export function agreementRoutes(app: FastifyInstance, ctx: PcContext) {
  app.get(
    "/v1/agreements",
    async (req: FastifyRequest<{ Querystring: { agreementType?: string } }>, reply) => {
      const refused = requireAppPlusUser(ctx, req);
      if (refused) return send(reply, refused);
      const types = selectedTypes(req.query.agreementType);
      const items = AGREEMENT_TEMPLATES.filter((t) => types.includes(t.agreementType)).map((t) => ({
        ...t,
        attributes: { objectType: "AgreementMetaData" },
      }));
      return send(reply, { status: 200, body: collection(items) });
    },
  );

  app.get(
    "/v1/customers/:id/agreements",
    async (
      req: FastifyRequest<{ Params: { id: string }; Querystring: { agreementType?: string } }>,
      reply,
    ) => {
      const refused = requireAppPlusUser(ctx, req);
      if (refused) return send(reply, refused);
      const found = customerOf(ctx, req, req.params.id);
      if ("refusal" in found) return send(reply, found.refusal);
      const types = selectedTypes(req.query.agreementType);
      const items = ctx.commerce.agreements
        .filter(
          (a) =>
            a.customerId === found.customer.id &&
            a.partnerTenantId === partnerOf(ctx, req) &&
            types.includes(a.type),
        )
        .map(agreementView);
      return send(reply, { status: 200, body: collection(items) });
    },
  );

  type Attest = { Params: { id: string }; Body: unknown };
  app.post(
    "/v1/customers/:id/agreements",
    replayable<Attest>(
      ctx.state,
      (req) => partnerOf(ctx, req),
      (req) => {
        const refused = requireAppPlusUser(ctx, req);
        if (refused) return refused;
        const found = customerOf(ctx, req, req.params.id);
        if ("refusal" in found) return found.refusal;
        const parsed = AgreementBody.safeParse(req.body);
        if (!parsed.success)
          return pcFault(
            400,
            800002,
            `The agreement is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
          );
        const body = parsed.data;
        const template = templateOf(body.type);
        if (!template)
          return pcFault(400, 800002, `type must be MicrosoftCustomerAgreement or MicrosoftCloudAgreement.`);
        if (template.templateId !== body.templateId.toLowerCase())
          return pcFault(
            400,
            800002,
            `templateId ${body.templateId} is not the current ${body.type} template: read it from GET /v1/agreements.`,
          );
        const partnerTenantId = partnerOf(ctx, req);
        const contact = body.primaryContact;
        // Attesting again with the same name, email and phone is refused; changing any of them records another
        // agreement (B6, live page "confirm customer consent customer agreement").
        const duplicate = ctx.commerce.agreements.find(
          (a) =>
            a.partnerTenantId === partnerTenantId &&
            a.customerId === found.customer.id &&
            a.type === body.type &&
            a.primaryContact.firstName === contact.firstName &&
            a.primaryContact.lastName === contact.lastName &&
            a.primaryContact.email.toLowerCase() === contact.email.toLowerCase() &&
            (a.primaryContact.phoneNumber ?? "") === (contact.phoneNumber ?? ""),
        );
        if (duplicate)
          return pcNamedFault(
            409,
            600061,
            "PartnerConfirmedAgreementAlreadyExists",
            "A partner confirmed agreement already exists for the customer.",
          );
        const record = ctx.commerce.agreements.add({
          partnerTenantId,
          customerId: found.customer.id,
          userId: ctx.claims(req).oid,
          primaryContact: contact,
          dateAgreed: body.dateAgreed,
          templateId: template.templateId,
          type: body.type,
          createdAt: ctx.clock.nowIso(),
        });
        return { status: 201, body: agreementView(record) };
      },
    ),
  );
}
