import { z } from "zod";
import type { Store } from "../state/store.ts";

/** A partner's multi-tenant application consented into a customer's tenant through Partner Center. */
const ApplicationConsent = z.object({
  partnerTenantId: z.string(),
  customerId: z.string(),
  applicationId: z.string(),
  displayName: z.string().optional(),
  applicationGrants: z.array(z.object({ enterpriseApplicationId: z.string(), scope: z.string() })),
  createdAt: z.string(),
});
/** A partner's attestation that the customer accepted an agreement (B6). */
const Agreement = z.object({
  partnerTenantId: z.string(),
  customerId: z.string(),
  userId: z.string(),
  primaryContact: z.object({
    firstName: z.string(),
    lastName: z.string(),
    email: z.string(),
    phoneNumber: z.string().optional(),
  }),
  dateAgreed: z.string(),
  templateId: z.string(),
  type: z.string(),
  createdAt: z.string(),
});
const CartLine = z.object({
  id: z.number(),
  catalogItemId: z.string(),
  quantity: z.number(),
  billingCycle: z.string(),
  friendlyName: z.string().optional(),
  termDuration: z.string().optional(),
  provisioningContext: z.record(z.string(), z.string()),
});
const Cart = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  customerId: z.string(),
  lineItems: z.array(CartLine),
  partnerOnRecordAttestationAccepted: z.boolean().optional(),
  creationTimestamp: z.string(),
  lastModifiedTimestamp: z.string(),
  expirationTimestamp: z.string(),
  lastModifiedUser: z.string(),
  status: z.enum(["Active", "Ordered"]),
});
const OrderLine = z.object({
  lineItemNumber: z.number(),
  offerId: z.string(),
  quantity: z.number(),
  friendlyName: z.string().optional(),
  subscriptionId: z.string().optional(),
});
const Order = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  customerId: z.string(),
  billingCycle: z.string(),
  country: z.string(),
  lineItems: z.array(OrderLine),
  creationDate: z.string(),
  /** When provisioning finishes, on the emulator's clock (ms). */
  completesAt: z.number(),
  status: z.enum(["pending", "completed"]),
});
const Subscription = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  customerId: z.string(),
  offerId: z.string(),
  friendlyName: z.string(),
  orderId: z.string(),
  country: z.string(),
  creationDate: z.string(),
  status: z.enum(["active", "suspended"]),
  /** Grows on every change; the etag is derived from it. */
  version: z.number(),
});
/** An Azure subscription under an Azure plan; its id is the ARM subscription id. */
const AzureEntitlement = z.object({
  id: z.string(),
  customerId: z.string(),
  subscriptionId: z.string(),
});

export type ApplicationConsentRecord = z.infer<typeof ApplicationConsent>;
export type AgreementRecord = z.infer<typeof Agreement>;
export type CartLineRecord = z.infer<typeof CartLine>;
export type CartRecord = z.infer<typeof Cart>;
export type OrderRecord = z.infer<typeof Order>;
export type SubscriptionRecord = z.infer<typeof Subscription>;
export type AzureEntitlementRecord = z.infer<typeof AzureEntitlement>;

/**
 * Partner Center's commerce records (application consents, agreements, carts, orders, subscriptions, Azure
 * entitlements), in their own collections of the emulator's store so a restart keeps them.
 */
export function openCommerceState(store: Store) {
  return {
    applicationConsents: store.collection("pcApplicationConsents", ApplicationConsent),
    agreements: store.collection("pcAgreements", Agreement),
    carts: store.collection("pcCarts", Cart),
    orders: store.collection("pcOrders", Order),
    subscriptions: store.collection("pcSubscriptions", Subscription),
    azureEntitlements: store.collection("pcAzureEntitlements", AzureEntitlement),
  };
}

export type CommerceState = ReturnType<typeof openCommerceState>;
