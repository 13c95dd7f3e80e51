import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { EmulatedCustomer } from "../state/emulator-state.ts";
import { hasAcceptedMca } from "./agreement-routes.ts";
import { currencyOf } from "./catalog.ts";
import type { CartLineRecord, CartRecord } from "./commerce-state.ts";
import { link, pcFault, send, type PcAnswer } from "./pc-answer.ts";
import { countryOf, customerOf, partnerOf, type PcContext } from "./pc-context.ts";
import { lineErrors } from "./purchase-rules.ts";
import { orderView, placeOrder } from "./orders.ts";
import { customerWrite } from "./replay.ts";

/** A cart lives 15 minutes after its last change (B7.2, the documented example's expirationTimestamp). */
const CART_LIFETIME_MS = 15 * 60_000;

const CartBody = z.object({
  lineItems: z
    .array(
      z.object({
        id: z.number().int().min(0).optional(),
        catalogItemId: z.string().min(1),
        quantity: z.number().int(),
        billingCycle: z.string().min(1),
        friendlyName: z.string().optional(),
        termDuration: z.string().optional(),
        provisioningContext: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
  PartnerOnRecordAttestationAccepted: z.boolean().optional(),
});

/** Lines that may be ordered together share an order group; here, lines with the same billing cycle. */
function orderGroups(lines: CartLineRecord[]): string[] {
  const cycles = [...new Set(lines.map((l) => l.billingCycle.toLowerCase()))];
  return lines.map((l) => String(cycles.indexOf(l.billingCycle.toLowerCase())));
}

function cartView(ctx: PcContext, customer: EmulatedCustomer, cart: CartRecord) {
  const errors = lineErrors(
    ctx,
    customer,
    cart.partnerTenantId,
    cart.lineItems,
    cart.partnerOnRecordAttestationAccepted,
  );
  const groups = orderGroups(cart.lineItems);
  const currency = currencyOf(countryOf(customer)).code;
  return {
    id: cart.id,
    creationTimestamp: cart.creationTimestamp,
    lastModifiedTimestamp: cart.lastModifiedTimestamp,
    expirationTimestamp: cart.expirationTimestamp,
    lastModifiedUser: cart.lastModifiedUser,
    status: cart.status,
    lineItems: cart.lineItems.map((l, i) => {
      const error = cart.status === "Active" ? errors[i] : null;
      return { ...l, currencyCode: currency, orderGroup: groups[i], ...(error ? { error } : {}) };
    }),
    links: { self: link(`/customers/${cart.customerId}/carts/${cart.id}`) },
    attributes: { objectType: "Cart" },
  };
}

function parseCart(body: unknown): z.infer<typeof CartBody> | PcAnswer {
  const parsed = CartBody.safeParse(body);
  if (parsed.success) return parsed.data;
  return pcFault(
    400,
    800002,
    `The cart is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
  );
}

const linesOf = (body: z.infer<typeof CartBody>): CartLineRecord[] =>
  body.lineItems.map((l, i) => ({
    id: l.id ?? i,
    catalogItemId: l.catalogItemId,
    quantity: l.quantity,
    billingCycle: l.billingCycle,
    ...(l.friendlyName === undefined ? {} : { friendlyName: l.friendlyName }),
    ...(l.termDuration === undefined ? {} : { termDuration: l.termDuration }),
    provisioningContext: l.provisioningContext ?? {},
  }));

/**
 * Carts (B7.2): create, update, read and check out. Line errors are shown on the cart (10001 unknown catalog item,
 * 10010 quantity or billing cycle, 10012 attestation declined, 10002 a second Azure plan); checkout orders every
 * order group without errors and reports the others in `orderErrors`.
 */
export function cartRoutes(app: FastifyInstance, ctx: PcContext) {
  const modifiedBy = (req: FastifyRequest) => ctx.claims(req).upn ?? ctx.claims(req).appid;
  const cartIn = (customerId: string, cartId: string) =>
    ctx.commerce.carts.find((c) => c.customerId === customerId && c.id === cartId.toLowerCase());
  const cartMissing = (cartId: string) => pcFault(404, 1000, `The cart ${cartId} was not found.`);

  type Create = { Params: { id: string }; Body: unknown };
  app.post(
    "/v1/customers/:id/carts",
    customerWrite<Create>(ctx, (req, customer) => {
      const body = parseCart(req.body);
      if ("status" in body) return body;
      const now = ctx.clock.now();
      const cart = ctx.commerce.carts.add({
        id: randomUUID(),
        partnerTenantId: partnerOf(ctx, req),
        customerId: customer.id,
        lineItems: linesOf(body),
        ...(body.PartnerOnRecordAttestationAccepted === undefined
          ? {}
          : { partnerOnRecordAttestationAccepted: body.PartnerOnRecordAttestationAccepted }),
        creationTimestamp: new Date(now).toISOString(),
        lastModifiedTimestamp: new Date(now).toISOString(),
        expirationTimestamp: new Date(now + CART_LIFETIME_MS).toISOString(),
        lastModifiedUser: modifiedBy(req),
        status: "Active",
      });
      return { status: 201, body: cartView(ctx, customer, cart) };
    }),
  );

  type One = { Params: { id: string; cartId: string }; Body: unknown };
  app.put(
    "/v1/customers/:id/carts/:cartId",
    customerWrite<One>(ctx, (req, customer) => {
      const cart = cartIn(customer.id, req.params.cartId);
      if (!cart) return cartMissing(req.params.cartId);
      if (cart.status === "Ordered")
        return pcFault(400, 800065, `The cart ${cart.id} was already submitted; create a new cart.`);
      const body = parseCart(req.body);
      if ("status" in body) return body;
      const now = ctx.clock.now();
      const updated = ctx.commerce.carts.update(
        (c) => c.id === cart.id,
        (c) => ({
          ...c,
          lineItems: linesOf(body),
          partnerOnRecordAttestationAccepted: body.PartnerOnRecordAttestationAccepted,
          lastModifiedTimestamp: new Date(now).toISOString(),
          expirationTimestamp: new Date(now + CART_LIFETIME_MS).toISOString(),
          lastModifiedUser: modifiedBy(req),
        }),
      );
      return { status: 200, body: cartView(ctx, customer, updated ?? cart) };
    }),
  );

  app.get(
    "/v1/customers/:id/carts/:cartId",
    async (req: FastifyRequest<{ Params: { id: string; cartId: string } }>, reply) => {
      const found = customerOf(ctx, req, req.params.id);
      if ("refusal" in found) return send(reply, found.refusal);
      const cart = cartIn(found.customer.id, req.params.cartId);
      if (!cart) return send(reply, cartMissing(req.params.cartId));
      return send(reply, { status: 200, body: cartView(ctx, found.customer, cart) });
    },
  );

  app.post(
    "/v1/customers/:id/carts/:cartId/checkout",
    customerWrite<One>(ctx, (req, customer) => {
      const cart = cartIn(customer.id, req.params.cartId);
      if (!cart) return cartMissing(req.params.cartId);
      if (cart.status === "Ordered")
        return pcFault(400, 800065, `The cart ${cart.id} was already submitted; create a new cart.`);
      // Partner Center publishes no code for an expired cart; it is invalid input (800002).
      if (Date.parse(cart.expirationTimestamp) <= ctx.clock.now())
        return pcFault(
          400,
          800002,
          `The cart ${cart.id} expired at ${cart.expirationTimestamp}; create a new cart.`,
        );
      const partnerTenantId = partnerOf(ctx, req);
      if (!hasAcceptedMca(ctx, partnerTenantId, customer.id))
        return pcFault(
          403,
          13605,
          "The customer has not accepted the Microsoft Customer Agreement: attest it with POST /v1/customers/{id}/agreements before purchasing.",
        );
      const errors = lineErrors(
        ctx,
        customer,
        partnerTenantId,
        cart.lineItems,
        cart.partnerOnRecordAttestationAccepted,
      );
      const groups = orderGroups(cart.lineItems);
      const orders = [];
      const orderErrors = [];
      for (const group of [...new Set(groups)]) {
        const indexes = cart.lineItems.map((_, i) => i).filter((i) => groups[i] === group);
        const failed = indexes.map((i) => errors[i]).find((e) => e);
        if (failed) {
          orderErrors.push({
            orderGroupId: group,
            code: failed.errorCode,
            description: failed.errorDescription,
          });
          continue;
        }
        const lines = indexes.flatMap((i) => cart.lineItems[i] ?? []);
        const order = placeOrder(ctx, customer, partnerTenantId, lines[0]?.billingCycle ?? "one_time", lines);
        orders.push(orderView(order));
      }
      if (orders.length)
        ctx.commerce.carts.update(
          (c) => c.id === cart.id,
          (c) => ({ ...c, status: "Ordered" as const }),
        );
      return {
        status: 201,
        body: { orders, orderErrors, attributes: { objectType: "CartCheckoutResult" } },
      };
    }),
  );
}
