import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { EmulatedCustomer } from "../state/emulator-state.ts";
import { catalogLinks, isAzurePlan } from "./catalog.ts";
import type { AzureEntitlementRecord, SubscriptionRecord } from "./commerce-state.ts";
import { collection, link, pcFault, send, type PcAnswer } from "./pc-answer.ts";
import { customerOf, isGuid, partnerOf, type PcContext } from "./pc-context.ts";
import { replayable } from "./replay.ts";

/** The subscription's etag: a new value after every change, compared with If-Match (B1). */
const etagOf = (s: SubscriptionRecord) =>
  Buffer.from(JSON.stringify({ id: s.id, v: s.version })).toString("base64");

function subscriptionView(s: SubscriptionRecord) {
  const self = `/customers/${s.customerId}/subscriptions/${s.id}`;
  return {
    id: s.id,
    offerId: s.offerId,
    offerName: "Azure plan",
    friendlyName: s.friendlyName,
    quantity: 1,
    unitType: "Usage-based",
    creationDate: s.creationDate,
    effectiveStartDate: `${s.creationDate.slice(0, 10)}T00:00:00Z`,
    commitmentEndDate: "9999-12-31T00:00:00Z",
    status: s.status,
    autoRenewEnabled: false,
    billingType: "usage",
    billingCycle: "one_time",
    isTrial: false,
    isMicrosoftProduct: true,
    publisherName: "Microsoft Corporation",
    contractType: "subscription",
    orderId: s.orderId,
    ...(s.status === "suspended" ? { suspensionReasons: ["PartnerInitiated"] } : {}),
    links: { ...catalogLinks(s.offerId, s.country), self: link(self) },
    attributes: { etag: etagOf(s), objectType: "Subscription" },
  };
}

/**
 * Valid cancellation reasons. Microsoft documents `compromise` (B7.3) and publishes no list; the emulator also takes
 * the other values of Azure billing's CustomerSubscriptionCancellationReason (`dunning`, `other`).
 */
const CANCELLATION_REASONS = ["compromise", "dunning", "other"];

const PatchBody = z.object({
  status: z.enum(["active", "suspended"]).optional(),
  friendlyName: z.string().trim().min(1).optional(),
});

/**
 * Subscriptions (B7.3): list (optionally by order), read, PATCH status or friendly name with If-Match, and the
 * Azure plan's Azure entitlements (its Azure subscriptions): list, read and cancel.
 */
export function subscriptionRoutes(app: FastifyInstance, ctx: PcContext) {
  const entitlementState = (e: AzureEntitlementRecord) => ctx.state.subscription(e.id)?.state ?? "Deleted";
  const isActive = (e: AzureEntitlementRecord) => !["Disabled", "Deleted"].includes(entitlementState(e));
  const entitlementView = (e: AzureEntitlementRecord, customerId: string) => ({
    id: e.id,
    friendlyName: ctx.state.subscription(e.id)?.displayName ?? "",
    status: isActive(e) ? "active" : "inactive",
    subscriptionId: e.subscriptionId,
    links: {
      self: link(`/customers/${customerId}/subscriptions/${e.subscriptionId}/azureEntitlements/${e.id}`),
    },
    attributes: { objectType: "AzureEntitlement" },
  });
  const entitlementsOf = (s: SubscriptionRecord) =>
    ctx.commerce.azureEntitlements.filter((e) => e.subscriptionId === s.id);

  /** The customer and its subscription named in a path, or Partner Center's refusal (B2: 800002, 20003). */
  function subscriptionIn(
    req: FastifyRequest,
    customerId: string,
    subscriptionId: string,
  ): { customer: EmulatedCustomer; subscription: SubscriptionRecord } | { refusal: PcAnswer } {
    const found = customerOf(ctx, req, customerId);
    if ("refusal" in found) return found;
    if (!isGuid(subscriptionId))
      return { refusal: pcFault(400, 800002, `The subscription id ${subscriptionId} is not a GUID.`) };
    const subscription = ctx.commerce.subscriptions.find(
      (s) =>
        s.customerId === found.customer.id &&
        s.partnerTenantId === partnerOf(ctx, req) &&
        s.id === subscriptionId.toLowerCase(),
    );
    if (!subscription)
      return { refusal: pcFault(404, 20003, `The subscription ${subscriptionId} was not found.`) };
    return { customer: found.customer, subscription };
  }

  function entitlementIn(
    subscription: SubscriptionRecord,
    entitlementId: string,
  ): { entitlement: AzureEntitlementRecord } | { refusal: PcAnswer } {
    if (!isGuid(entitlementId))
      return { refusal: pcFault(400, 800002, `The entitlement id ${entitlementId} is not a GUID.`) };
    const entitlement = entitlementsOf(subscription).find((e) => e.id === entitlementId.toLowerCase());
    return entitlement
      ? { entitlement }
      : { refusal: pcFault(404, 800111, `The Azure entitlement ${entitlementId} was not found.`) };
  }

  app.get(
    "/v1/customers/:id/subscriptions",
    async (req: FastifyRequest<{ Params: { id: string }; Querystring: { order_id?: string } }>, reply) => {
      const found = customerOf(ctx, req, req.params.id);
      if ("refusal" in found) return send(reply, found.refusal);
      const items = ctx.commerce.subscriptions
        .filter(
          (s) =>
            s.customerId === found.customer.id &&
            s.partnerTenantId === partnerOf(ctx, req) &&
            (req.query.order_id === undefined || s.orderId === req.query.order_id),
        )
        .map(subscriptionView);
      return send(reply, { status: 200, body: collection(items) });
    },
  );

  type One = { Params: { id: string; subscriptionId: string } };
  app.get("/v1/customers/:id/subscriptions/:subscriptionId", async (req: FastifyRequest<One>, reply) => {
    const found = subscriptionIn(req, req.params.id, req.params.subscriptionId);
    if ("refusal" in found) return send(reply, found.refusal);
    return send(reply, { status: 200, body: subscriptionView(found.subscription) });
  });

  app.patch(
    "/v1/customers/:id/subscriptions/:subscriptionId",
    replayable<One & { Body: unknown }>(
      ctx.state,
      (req) => partnerOf(ctx, req),
      (req) => {
        const found = subscriptionIn(req, req.params.id, req.params.subscriptionId);
        if ("refusal" in found) return found.refusal;
        const current = found.subscription;
        const ifMatch = req.headers["if-match"];
        if (typeof ifMatch === "string" && ifMatch !== etagOf(current))
          return pcFault(
            412,
            412,
            "The subscription changed since it was read (If-Match does not match its etag): read it again.",
          );
        const parsed = PatchBody.safeParse(req.body);
        if (!parsed.success)
          return pcFault(
            400,
            800002,
            `The subscription update is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}.`,
          );
        const next = parsed.data;
        // An Azure plan can be suspended only when none of its Azure subscriptions is active (B7.3, 900115).
        if (
          next.status === "suspended" &&
          current.status !== "suspended" &&
          isAzurePlan(current.offerId) &&
          entitlementsOf(current).some(isActive)
        )
          return pcFault(
            403,
            900115,
            "The Azure plan has active Azure subscriptions; cancel them before suspending the plan.",
          );
        const changed =
          (next.status !== undefined && next.status !== current.status) ||
          (next.friendlyName !== undefined && next.friendlyName !== current.friendlyName);
        const updated = changed
          ? ctx.commerce.subscriptions.update(
              (s) => s.id === current.id,
              (s) => ({
                ...s,
                status: next.status ?? s.status,
                friendlyName: next.friendlyName ?? s.friendlyName,
                version: s.version + 1,
              }),
            )
          : current;
        return { status: 200, body: subscriptionView(updated ?? current) };
      },
    ),
  );

  app.get(
    "/v1/customers/:id/subscriptions/:subscriptionId/azureEntitlements",
    async (req: FastifyRequest<One>, reply) => {
      const found = subscriptionIn(req, req.params.id, req.params.subscriptionId);
      if ("refusal" in found) return send(reply, found.refusal);
      const items = entitlementsOf(found.subscription).map((e) => entitlementView(e, found.customer.id));
      return send(reply, { status: 200, body: collection(items) });
    },
  );

  type Entitlement = { Params: One["Params"] & { entitlementId: string } };
  app.get(
    "/v1/customers/:id/subscriptions/:subscriptionId/azureEntitlements/:entitlementId",
    async (req: FastifyRequest<Entitlement>, reply) => {
      const found = subscriptionIn(req, req.params.id, req.params.subscriptionId);
      if ("refusal" in found) return send(reply, found.refusal);
      const e = entitlementIn(found.subscription, req.params.entitlementId);
      if ("refusal" in e) return send(reply, e.refusal);
      return send(reply, { status: 200, body: entitlementView(e.entitlement, found.customer.id) });
    },
  );

  app.post(
    "/v1/customers/:id/subscriptions/:subscriptionId/azureEntitlements/:entitlementId/cancel",
    replayable<Entitlement & { Body: unknown }>(
      ctx.state,
      (req) => partnerOf(ctx, req),
      (req) => {
        const found = subscriptionIn(req, req.params.id, req.params.subscriptionId);
        if ("refusal" in found) return found.refusal;
        const e = entitlementIn(found.subscription, req.params.entitlementId);
        if ("refusal" in e) return e.refusal;
        const body = req.body;
        const reason =
          typeof body === "object" && body !== null && "cancellationReason" in body
            ? body.cancellationReason
            : undefined;
        if (typeof reason !== "string" || !CANCELLATION_REASONS.includes(reason.toLowerCase()))
          return pcFault(
            400,
            900307,
            `cancellationReason must be one of ${CANCELLATION_REASONS.join(", ")}.`,
          );
        // Microsoft accepts the cancellation (202) and disables the Azure subscription; the emulator does it at once.
        ctx.state.setSubscriptionState(e.entitlement.id, "Disabled");
        return { status: 202, body: entitlementView(e.entitlement, found.customer.id) };
      },
    ),
  );
}
