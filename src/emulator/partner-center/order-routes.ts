import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { hasAcceptedMca } from "./agreement-routes.ts";
import { catalogItemIn } from "./catalog.ts";
import { collection, pcFault, send } from "./pc-answer.ts";
import { countryOf, customerOf, partnerOf, type PcContext } from "./pc-context.ts";
import { lineErrors } from "./purchase-rules.ts";
import { orderView, placeOrder, provisioningStatusView } from "./orders.ts";
import { customerWrite } from "./replay.ts";

const OrderBody = z.object({
  lineItems: z
    .array(
      z.object({
        lineItemNumber: z.number().int().min(0).optional(),
        offerId: z.string().min(1),
        quantity: z.number().int(),
        friendlyName: z.string().optional(),
        termDuration: z.string().optional(),
        provisioningContext: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
  billingCycle: z.string().optional(),
  PartnerOnRecordAttestationAccepted: z.boolean().optional(),
});

/**
 * Orders (B7.2): placed directly without a cart, listed, read, and their provisioning status. The same purchase
 * rules as carts apply; a direct order has no line errors to show, so the first one refuses the whole order.
 */
export function orderRoutes(app: FastifyInstance, ctx: PcContext) {
  type Create = { Params: { id: string }; Body: unknown };
  app.post(
    "/v1/customers/:id/orders",
    customerWrite<Create>(ctx, (req, customer) => {
      const parsed = OrderBody.safeParse(req.body);
      if (!parsed.success)
        return pcFault(
          400,
          800002,
          `The order is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
        );
      const body = parsed.data;
      const partnerTenantId = partnerOf(ctx, req);
      if (!hasAcceptedMca(ctx, partnerTenantId, customer.id))
        return pcFault(
          403,
          13605,
          "The customer has not accepted the Microsoft Customer Agreement: attest it with POST /v1/customers/{id}/agreements before purchasing.",
        );
      if (body.PartnerOnRecordAttestationAccepted === false)
        return pcFault(400, 900203, "The partner-of-record attestation is required to place this order.");
      for (const line of body.lineItems) {
        const item = catalogItemIn(countryOf(customer), line.offerId);
        if (!item.ok) return item.refusal;
      }
      const billingCycle = body.billingCycle ?? "one_time";
      const lines = body.lineItems.map((l) => ({
        catalogItemId: l.offerId,
        quantity: l.quantity,
        billingCycle,
        friendlyName: l.friendlyName,
      }));
      const failed = lineErrors(
        ctx,
        customer,
        partnerTenantId,
        lines,
        body.PartnerOnRecordAttestationAccepted,
      )
        .map((e, i) => (e ? `line ${i}: ${e.errorDescription} (${e.errorCode})` : null))
        .filter((e) => e !== null);
      if (failed.length) return pcFault(400, 800009, `The order has errors: ${failed.join("; ")}`);
      return {
        status: 201,
        body: orderView(placeOrder(ctx, customer, partnerTenantId, billingCycle, lines)),
      };
    }),
  );

  app.get("/v1/customers/:id/orders", async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const found = customerOf(ctx, req, req.params.id);
    if ("refusal" in found) return send(reply, found.refusal);
    const orders = ctx.commerce.orders.filter(
      (o) => o.customerId === found.customer.id && o.partnerTenantId === partnerOf(ctx, req),
    );
    return send(reply, { status: 200, body: collection(orders.map(orderView)) });
  });

  type One = { Params: { id: string; orderId: string } };
  const orderOf = (req: FastifyRequest<One>, customerId: string) =>
    ctx.commerce.orders.find(
      (o) =>
        o.customerId === customerId &&
        o.id === req.params.orderId &&
        o.partnerTenantId === partnerOf(ctx, req),
    );
  const missing = (orderId: string) => pcFault(404, 20000, `The order ${orderId} was not found.`);

  app.get("/v1/customers/:id/orders/:orderId", async (req: FastifyRequest<One>, reply) => {
    const found = customerOf(ctx, req, req.params.id);
    if ("refusal" in found) return send(reply, found.refusal);
    const order = orderOf(req, found.customer.id);
    return send(reply, order ? { status: 200, body: orderView(order) } : missing(req.params.orderId));
  });

  app.get("/v1/customers/:id/orders/:orderId/provisioningstatus", async (req: FastifyRequest<One>, reply) => {
    const found = customerOf(ctx, req, req.params.id);
    if ("refusal" in found) return send(reply, found.refusal);
    const order = orderOf(req, found.customer.id);
    return send(
      reply,
      order ? { status: 200, body: provisioningStatusView(order) } : missing(req.params.orderId),
    );
  });
}
