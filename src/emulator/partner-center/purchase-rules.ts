import type { EmulatedCustomer } from "../state/emulator-state.ts";
import { catalogItemIn, isAzurePlan } from "./catalog.ts";
import { countryOf, type PcContext } from "./pc-context.ts";

/** A cart line's error as Partner Center shows it (B2, cart-resources: `lineItems[].error`). */
type LineError = {
  errorCode: number;
  errorDescription: string;
  additionalInformation?: { availableQuantity: number; purchasedQuantity: number };
};

type PurchaseLine = { catalogItemId: string; quantity: number; billingCycle: string };

/** Whether the partner already sold this customer an Azure plan, provisioned or still being provisioned. */
function hasAzurePlan(ctx: PcContext, partnerTenantId: string, customerId: string): boolean {
  const mine = <T extends { partnerTenantId: string; customerId: string }>(x: T) =>
    x.partnerTenantId === partnerTenantId && x.customerId === customerId;
  return (
    ctx.commerce.subscriptions.find((s) => mine(s) && isAzurePlan(s.offerId)) !== undefined ||
    ctx.commerce.orders.find(
      (o) => mine(o) && o.status === "pending" && o.lineItems.some((l) => isAzurePlan(l.offerId)),
    ) !== undefined
  );
}

/**
 * What stops each line from being bought, in order, or null when it may be: an unknown catalog item in the
 * customer's market (10001); a quantity or billing cycle the SKU does not take (10010); partner-of-record
 * attestation declined (10012); a second Azure plan for a customer that has one, since a customer has at most one
 * Azure plan from a partner (10002, no quantity left).
 */
export function lineErrors(
  ctx: PcContext,
  customer: EmulatedCustomer,
  partnerTenantId: string,
  lines: PurchaseLine[],
  attestationAccepted: boolean | undefined,
): (LineError | null)[] {
  const country = countryOf(customer);
  let planTaken = hasAzurePlan(ctx, partnerTenantId, customer.id);
  return lines.map((line) => {
    if (!catalogItemIn(country, line.catalogItemId).ok)
      return {
        errorCode: 10001,
        errorDescription: `The catalog item id ${line.catalogItemId} is not valid in ${country}: read it from the customer's availabilities.`,
      };
    if (line.quantity !== 1)
      return { errorCode: 10010, errorDescription: "The Azure plan is bought with quantity 1." };
    if (line.billingCycle.toLowerCase() !== "one_time")
      return { errorCode: 10010, errorDescription: "The Azure plan's billing cycle is one_time." };
    if (attestationAccepted === false)
      return {
        errorCode: 10012,
        errorDescription:
          "The partner-of-record attestation must be accepted (PartnerOnRecordAttestationAccepted).",
      };
    if (planTaken)
      return {
        errorCode: 10002,
        errorDescription: "The customer already has an Azure plan; a customer can have only one.",
        additionalInformation: { availableQuantity: 0, purchasedQuantity: 1 },
      };
    planTaken = true;
    return null;
  });
}
