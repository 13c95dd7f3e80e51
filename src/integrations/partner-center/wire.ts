import { z } from "zod";

/**
 * Partner Center's JSON, only the fields we read (microsoft-apis.md §B). Unknown fields are ignored: Microsoft adds
 * fields without notice.
 */
export const LinkShape = z.object({
  uri: z.string(),
  headers: z.array(z.object({ key: z.string(), value: z.string() })).default([]),
});

export const collectionOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    links: z.object({ next: LinkShape.optional() }).optional(),
  });

export const CustomerShape = z.object({
  id: z.string(),
  companyProfile: z.object({ domain: z.string(), companyName: z.string().optional() }),
  relationshipToPartner: z.string().default("none"),
  userCredentials: z.object({ userName: z.string(), password: z.string() }).optional(),
});

const AddressShape = z.object({
  addressLine1: z.string(),
  addressLine2: z.string().optional(),
  city: z.string(),
  state: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
});

export const AddressValidationShape = z.object({
  status: z.string(),
  suggestedAddresses: z.array(AddressShape).default([]),
  validationMessage: z.string().optional(),
});

export const AgreementTemplateShape = z.object({
  templateId: z.string(),
  agreementType: z.string(),
  agreementLink: z.string().default(""),
  versionRank: z.number().default(0),
});

export const AvailabilityShape = z.object({
  id: z.string(),
  productId: z.string().optional(),
  skuId: z.string().optional(),
  catalogItemId: z.string().optional(),
});

export const CartShape = z.object({ id: z.string(), status: z.string() });

export const OrderShape = z.object({
  id: z.string(),
  status: z.string(),
  lineItems: z
    .array(
      z.object({
        lineItemNumber: z.number(),
        offerId: z.string(),
        subscriptionId: z.string().nullish(),
      }),
    )
    .default([]),
});

export const CheckoutShape = z.object({
  orders: z.array(OrderShape).default([]),
  orderErrors: z
    .array(z.object({ code: z.union([z.number(), z.string()]), description: z.string().optional() }))
    .default([]),
});

/** A subscription as Partner Center sends it; PATCH takes it back whole with the changed status (B7.3). */
export const SubscriptionShape = z.looseObject({
  id: z.string(),
  offerId: z.string(),
  friendlyName: z.string().default(""),
  status: z.string(),
  orderId: z.string().nullish(),
  attributes: z.looseObject({ etag: z.string().optional() }).optional(),
});

export const EntitlementShape = z.object({
  id: z.string(),
  friendlyName: z.string().default(""),
  status: z.string(),
});

export const RelationshipRequestShape = z.object({ url: z.string() });

/** A decimal read with parseJsonExact (a string), or a plain JSON number from a service that rounds anyway. */
const Decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/), z.number()]).transform(String);

export const InvoiceShape = z.object({
  id: z.string(),
  invoiceDate: z.string(),
  billingPeriodStartDate: z.string(),
  billingPeriodEndDate: z.string(),
  totalCharges: Decimal,
  currencyCode: z.string(),
});

export const UsageLineItemShape = z.object({
  customerId: z.string(),
  customerName: z.string().default(""),
  subscriptionId: z.string(),
  entitlementId: z.string(),
  usageDate: z.string(),
  meterId: z.string(),
  meterName: z.string().default(""),
  meterCategory: z.string().default(""),
  resourceUri: z.string().default(""),
  resourceLocation: z.string().default(""),
  productId: z.string().default(""),
  skuId: z.string().default(""),
  availabilityId: z.string().default(""),
  chargeType: z.string().default(""),
  unitOfMeasure: z.string().default(""),
  quantity: Decimal,
  unitPrice: Decimal,
  effectiveUnitPrice: Decimal,
  billingPreTaxTotal: Decimal,
  billingCurrency: z.string(),
  pricingPreTaxTotal: Decimal,
  pricingCurrency: z.string(),
  pcToBCExchangeRate: Decimal,
  pcToBCExchangeRateDate: z.string(),
  rateOfPartnerEarnedCredit: Decimal.default("0"),
  invoiceNumber: z.string().default(""),
});

/**
 * `{base}/webhooks/v1/registration` (B8.2). Microsoft's own example of a GET omits SubscriberId; a partner without a
 * registration may be answered with no URL at all.
 */
export const WebhookRegistrationShape = z
  .object({
    SubscriberId: z.string().optional(),
    WebhookUrl: z.string().optional(),
    WebhookEvents: z.array(z.string()).default([]),
  })
  .nullish();
