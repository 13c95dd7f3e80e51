import { z } from "zod";
import { done, retry, wait, type Step } from "../engine/definitions.ts";
import { customerRecords } from "../customers.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { CreatedCustomer, KnownCustomer } from "./customer-steps.ts";
import type { NewCustomerRunInput } from "./input.ts";
import { outcomeOfError } from "./outcomes.ts";

type S = Step<NewCustomerRunInput>;

const POLL_MS = 10_000;

const Cart = z.object({ cartId: z.string(), catalogItemId: z.string() });
const Checkout = z.object({ orderId: z.string() });
export const NewSubscription = z.object({
  azureSubscriptionId: z.string(),
  subscriptionName: z.string(),
  azurePlanId: z.string().nullable(),
});

/** The customer's tenant id, from whichever step knew it: the one that created it, or the one that waited for it. */
export function customerIdOf(ctx: {
  input: NewCustomerRunInput;
  output<T>(stepId: string, schema: z.ZodType<T>): T;
}): string {
  return ctx.input.createsCustomer
    ? ctx.output("create-customer", CreatedCustomer).customerId
    : ctx.output("await-customer", KnownCustomer).customerId;
}

/** The first subscription comes with the Azure plan's order (B7.2, B7.3); later ones through the alias API (C5). */
export function subscriptionSteps(deps: OnboardingDeps, ms: () => MicrosoftPorts): S[] {
  return [
    {
      id: "create-cart",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return done({ skipped: true });
        const customerId = customerIdOf(ctx);
        const offer = await ms().partnerCenter.azurePlanCatalogItem(customerId);
        if (!offer.ok) return outcomeOfError(offer.error, "Finding the Azure plan offer");
        const cart = await ms().partnerCenter.createCart(
          customerId,
          { catalogItemId: offer.value.catalogItemId, friendlyName: ctx.input.providerName },
          { idempotencyKey: ctx.idempotencyKey },
        );
        if (!cart.ok) return outcomeOfError(cart.error, "Creating the Azure plan's cart");
        return done({ cartId: cart.value.cartId, catalogItemId: offer.value.catalogItemId });
      },
    },
    {
      id: "checkout",
      async run(ctx) {
        if (!ctx.input.createsCustomer) return done({ skipped: true });
        const customerId = customerIdOf(ctx);
        const { cartId } = ctx.output("create-cart", Cart);
        const orders = await ms().partnerCenter.checkout(customerId, cartId, {
          idempotencyKey: ctx.idempotencyKey,
        });
        if (!orders.ok) return outcomeOfError(orders.error, "Ordering the Azure plan");
        const order = orders.value[0];
        if (!order) return retry({ reason: "Partner Center answered the checkout without an order" });
        return done({ orderId: order.orderId });
      },
    },
    {
      id: "await-subscription",
      deadlineMs: 60 * 60_000,
      async run(ctx) {
        if (!ctx.input.createsCustomer) return done({ skipped: true });
        const customerId = customerIdOf(ctx);
        const { orderId } = ctx.output("checkout", Checkout);
        const pc = ms().partnerCenter;
        const later = (waitingFor: string) =>
          wait({ untilMs: ctx.clock.now().getTime() + POLL_MS, reason: waitingFor, waitingFor });
        const order = await pc.order(customerId, orderId);
        if (!order.ok) return outcomeOfError(order.error, "Reading the Azure plan's order");
        const planId = order.value.lines.find((l) => l.subscriptionId)?.subscriptionId;
        if (order.value.status !== "completed" || !planId)
          return later("Microsoft to provision the Azure plan (usually a few minutes)");
        const entitlements = await pc.azureEntitlements(customerId, planId);
        if (!entitlements.ok) return outcomeOfError(entitlements.error, "Reading the Azure subscriptions");
        const first = entitlements.value[0];
        if (!first) return later("Microsoft to create the Azure subscription under the plan");
        return done({
          azureSubscriptionId: first.azureSubscriptionId,
          subscriptionName: first.friendlyName,
          azurePlanId: planId,
        });
      },
    },
    {
      id: "create-subscription",
      async run(ctx) {
        if (ctx.input.createsCustomer) return done({ skipped: true });
        // The alias is the name we choose for this request: repeating the PUT returns the same subscription.
        const made = await ms().subscriptionAliases.ensureSubscription({
          aliasName: `partner-cloud-${ctx.runId}`,
          displayName: ctx.input.providerName,
          customerTenantId: customerIdOf(ctx),
        });
        if (!made.ok) return outcomeOfError(made.error, "Creating the Azure subscription");
        if (!made.value.subscriptionId)
          return wait({
            untilMs: ctx.clock.now().getTime() + POLL_MS,
            reason: `Azure is provisioning the subscription (${made.value.provisioningState})`,
            waitingFor: "Azure to provision the subscription",
          });
        return done({
          azureSubscriptionId: made.value.subscriptionId,
          subscriptionName: ctx.input.providerName,
          azurePlanId: null,
        });
      },
    },
    {
      id: "link-billing-account",
      transactional: true,
      async run(ctx) {
        const sub = ctx.output(
          ctx.input.createsCustomer ? "await-subscription" : "create-subscription",
          NewSubscription,
        );
        const tenantId = customerIdOf(ctx);
        if (ctx.input.createsCustomer && sub.azurePlanId)
          await customerRecords.planOrdered(ctx.tx, ctx.input.orgId, sub.azurePlanId, ctx.clock.now());
        await deps.providers().linkAzure(ctx.tx, ctx.input.providerId, {
          tenantId,
          subscriptionId: sub.azureSubscriptionId,
          subscriptionName: sub.subscriptionName,
        });
        return done({
          tenantId,
          subscriptionId: sub.azureSubscriptionId,
          billingAccountId: ctx.input.billingAccountId,
        });
      },
    },
  ];
}
