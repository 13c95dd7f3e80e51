import { randomBytes, randomUUID } from "node:crypto";
import type { EmulatedCustomer } from "../state/emulator-state.ts";
import { catalogLinks, currencyOf, isAzurePlan } from "./catalog.ts";
import type { OrderRecord } from "./commerce-state.ts";
import { collection, link } from "./pc-answer.ts";
import { countryOf, type PcContext } from "./pc-context.ts";

type OrderLineInput = { catalogItemId: string; quantity: number; friendlyName?: string | undefined };

/**
 * Places an order: `pending` until the provisioning delay has passed on the emulator's clock, then `completed`
 * (at once when the delay is 0). Orders are opaque strings in Partner Center, not GUIDs.
 */
export function placeOrder(
  ctx: PcContext,
  customer: EmulatedCustomer,
  partnerTenantId: string,
  billingCycle: string,
  lines: OrderLineInput[],
): OrderRecord {
  const order = ctx.commerce.orders.add({
    id: randomBytes(16).toString("base64url"),
    partnerTenantId,
    customerId: customer.id,
    billingCycle,
    country: countryOf(customer),
    lineItems: lines.map((l, i) => ({
      lineItemNumber: i,
      offerId: l.catalogItemId,
      quantity: l.quantity,
      ...(l.friendlyName === undefined ? {} : { friendlyName: l.friendlyName }),
    })),
    creationDate: ctx.clock.nowIso(),
    completesAt: ctx.clock.now() + ctx.settings.provisioningDelaySeconds * 1000,
    status: "pending",
  });
  settleDueOrders(ctx);
  return ctx.commerce.orders.find((o) => o.id === order.id) ?? order;
}

/**
 * Provisions every pending order whose time has come. An Azure plan line becomes a Partner Center subscription
 * (usage-based, no end date) and, as when Microsoft provisions an Azure plan (B7.3), one Azure subscription in the
 * customer's tenant: the plan's first Azure entitlement.
 */
export function settleDueOrders(ctx: PcContext): void {
  const now = ctx.clock.now();
  for (const order of ctx.commerce.orders.filter((o) => o.status === "pending" && o.completesAt <= now)) {
    const lineItems = order.lineItems.map((line) => {
      if (!isAzurePlan(line.offerId)) return line;
      const subscription = ctx.commerce.subscriptions.add({
        id: randomUUID(),
        partnerTenantId: order.partnerTenantId,
        customerId: order.customerId,
        offerId: line.offerId,
        friendlyName: line.friendlyName ?? "Azure plan",
        orderId: order.id,
        country: order.country,
        creationDate: new Date(order.completesAt).toISOString(),
        status: "active",
        version: 1,
      });
      const azure = ctx.state.addSubscription({
        tenantId: order.customerId,
        displayName: line.friendlyName ?? "Azure subscription 1",
      });
      ctx.commerce.azureEntitlements.add({
        id: azure.subscriptionId,
        customerId: order.customerId,
        subscriptionId: subscription.id,
      });
      return { ...line, subscriptionId: subscription.id };
    });
    ctx.commerce.orders.update(
      (o) => o.id === order.id,
      (o) => ({ ...o, lineItems, status: "completed" }),
    );
  }
}

export function orderView(order: OrderRecord) {
  const currency = currencyOf(order.country);
  const self = `/customers/${order.customerId}/orders/${order.id}`;
  return {
    id: order.id,
    alternateId: order.id,
    referenceCustomerId: order.customerId,
    billingCycle: order.billingCycle,
    currencyCode: currency.code,
    currencySymbol: currency.symbol,
    lineItems: order.lineItems.map((l) => ({
      lineItemNumber: l.lineItemNumber,
      offerId: l.offerId,
      ...(l.subscriptionId === undefined ? {} : { subscriptionId: l.subscriptionId }),
      friendlyName: l.friendlyName,
      quantity: l.quantity,
      transactionType: "new",
      links: catalogLinks(l.offerId, order.country),
    })),
    creationDate: order.creationDate,
    status: order.status,
    transactionType: "UserPurchase",
    links: { self: link(self), provisioningStatus: link(`${self}/provisioningstatus`) },
    attributes: { objectType: "Order" },
  };
}

/** Provisioning per order line (B7.2): `fulfilled` once the order completed, `pending` before. */
export function provisioningStatusView(order: OrderRecord) {
  const status = order.status === "completed" ? "fulfilled" : "pending";
  return collection(
    order.lineItems.map((l) => ({
      lineItemNumber: l.lineItemNumber,
      status,
      quantityProvisioningInformation: [{ quantity: l.quantity, status }],
      attributes: { objectType: "ProvisioningStatus" },
    })),
  );
}
