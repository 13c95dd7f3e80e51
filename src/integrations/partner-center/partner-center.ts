import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { TokenSource } from "../entra/index.ts";
import type { HttpClient, RetryPolicy, RetryTools } from "../http/index.ts";
import { createPartnerCenterClient, type PartnerCenterCall } from "./partner-center-client.ts";
import { partnerCenterErrorOf } from "./partner-center-errors.ts";
import type {
  Customer,
  CustomerSubscription,
  Order,
  PartnerCenter,
  PartnerCenterError,
  UsageLineItem,
  WebhookRegistration,
} from "./port.ts";
import { createRateLimiter, type RateLimit } from "./rate-limiter.ts";
import {
  AddressValidationShape,
  AgreementTemplateShape,
  AvailabilityShape,
  CartShape,
  CheckoutShape,
  collectionOf,
  CustomerShape,
  EntitlementShape,
  InvoiceShape,
  LinkShape,
  OrderShape,
  RelationshipRequestShape,
  SubscriptionShape,
  UsageLineItemShape,
  WebhookRegistrationShape,
} from "./wire.ts";
import { z } from "zod";

/** The Azure plan's product and SKU (B7.1); the availability differs by market and is read each time. */
const AZURE_PLAN = { productId: "DZH318Z0BPS6", skuId: "0001" };
/** Partner Center's webhook registration, one per partner (B8.2); outside the /v1 resources' rate limits. */
const WEBHOOK_REGISTRATION = "/webhooks/v1/registration";
/** Partner Center's largest page of reconciliation line items (B9.1). */
const USAGE_PAGE_SIZE = 2000;

export type PartnerCenterDeps = {
  /** A client for Partner Center's base URL (https://api.partnercenter.microsoft.com, or the emulator). */
  readonly http: HttpClient;
  readonly tokens: TokenSource;
  readonly partnerTenantId: string;
  readonly clock: Clock;
  /**
   * Per partner tenant and per customer. Partner Center allows 500 requests a minute per tenant on customers and
   * subscriptions (B4); the default stays well below.
   */
  readonly rateLimit?: RateLimit;
  /** The name our application's consent shows in customers' tenants (default "Partner Cloud"). */
  readonly applicationDisplayName?: string;
  /** Page size for customer searches (Partner Center's default is large; tests use small pages). */
  readonly customerPageSize?: number;
  readonly retry?: { readonly policy?: Partial<RetryPolicy>; readonly tools?: Partial<RetryTools> };
};

/** Per partner and resource (Customer, Subscription), with a tenth of Microsoft's 500 a minute kept in reserve (B4). */
export const defaultPartnerCenterRateLimit: RateLimit = { perMinute: 450, burst: 20 };

/** Thrown by the usage iterables when a page fails: they cannot return a Result mid-way. */
export class PartnerCenterFailure extends Error {
  override readonly name = "PartnerCenterFailure";
  readonly error: PartnerCenterError;

  constructor(error: PartnerCenterError) {
    super(error.message);
    this.error = error;
  }
}

const enc = encodeURIComponent;

const EnvelopeShape = collectionOf(z.unknown());
type Envelope = z.infer<typeof EnvelopeShape>;

const toCustomer = (c: z.infer<typeof CustomerShape>): Customer => ({
  customerId: c.id,
  domain: c.companyProfile.domain,
  companyName: c.companyProfile.companyName ?? c.companyProfile.domain,
  relationship: c.relationshipToPartner,
});

const toOrder = (customerId: string, o: z.infer<typeof OrderShape>): Order => ({
  orderId: o.id,
  customerId,
  status: o.status,
  lines: o.lineItems.map((l) => ({
    lineNumber: l.lineItemNumber,
    catalogItemId: l.offerId,
    subscriptionId: l.subscriptionId ?? null,
  })),
});

const toSubscription = (s: z.infer<typeof SubscriptionShape>): CustomerSubscription => ({
  subscriptionId: s.id,
  catalogItemId: s.offerId,
  friendlyName: s.friendlyName,
  status: s.status,
  orderId: s.orderId ?? null,
});

const toUsage = (u: z.infer<typeof UsageLineItemShape>): UsageLineItem => ({
  customerTenantId: u.customerId,
  customerName: u.customerName,
  azurePlanSubscriptionId: u.subscriptionId,
  azureSubscriptionId: u.entitlementId,
  usageDate: u.usageDate.slice(0, 10),
  meterId: u.meterId,
  meterName: u.meterName,
  meterCategory: u.meterCategory,
  resourceUri: u.resourceUri,
  resourceLocation: u.resourceLocation,
  productId: u.productId,
  skuId: u.skuId,
  availabilityId: u.availabilityId,
  chargeType: u.chargeType,
  unit: u.unitOfMeasure,
  quantity: u.quantity,
  unitPrice: u.unitPrice,
  effectiveUnitPrice: u.effectiveUnitPrice,
  billingPreTaxTotal: u.billingPreTaxTotal,
  billingCurrency: u.billingCurrency,
  pricingPreTaxTotal: u.pricingPreTaxTotal,
  pricingCurrency: u.pricingCurrency,
  pcToBCExchangeRate: u.pcToBCExchangeRate,
  pcToBCExchangeRateDate: u.pcToBCExchangeRateDate.slice(0, 10),
  partnerEarnedCreditRate: u.rateOfPartnerEarnedCredit,
  invoiceNumber: u.invoiceNumber,
});

/** Partner Center v1 REST (microsoft-apis.md §B) through one client that owns headers, retries and rate limits. */
export function createPartnerCenter(deps: PartnerCenterDeps): PartnerCenter {
  const limiter = createRateLimiter({
    limit: deps.rateLimit ?? defaultPartnerCenterRateLimit,
    now: () => deps.clock.now().getTime(),
    sleep: deps.retry?.tools?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });
  const client = createPartnerCenterClient({
    http: deps.http,
    tokens: deps.tokens,
    partnerTenantId: deps.partnerTenantId,
    limiter,
    clock: deps.clock,
    ...(deps.retry ? { retry: deps.retry } : {}),
  });

  /** One call whose 2xx body must match `shape`. */
  async function call<S extends z.ZodType>(
    c: PartnerCenterCall,
    shape: S,
  ): Promise<Result<z.infer<S>, PartnerCenterError>> {
    const answer = await client.send(c);
    if (!answer.ok) return answer;
    return ok(shape.parse(answer.value.body));
  }

  /**
   * Every page of a seek-paged collection (B3): follow `links.next`, sending every header it lists
   * (MS-ContinuationToken) with `seekOperation=Next` already in its uri; no next link means the last page.
   */
  async function* pages<S extends z.ZodType>(
    first: PartnerCenterCall,
    item: S,
  ): AsyncGenerator<z.infer<S>[]> {
    let next: PartnerCenterCall | null = first;
    while (next) {
      const page: Result<Envelope, PartnerCenterError> = await call(next, EnvelopeShape);
      if (!page.ok) throw new PartnerCenterFailure(page.error);
      yield page.value.items.map((i) => item.parse(i));
      const link: z.infer<typeof LinkShape> | undefined = page.value.links?.next;
      next = link
        ? {
            ...first,
            query: {},
            path: `/v1${link.uri.startsWith("/") ? "" : "/"}${link.uri}`,
            headers: Object.fromEntries(link.headers.map((h) => [h.key, h.value])),
          }
        : null;
    }
  }

  async function all<S extends z.ZodType>(
    first: PartnerCenterCall,
    item: S,
  ): Promise<Result<z.infer<S>[], PartnerCenterError>> {
    const items: z.infer<S>[] = [];
    try {
      for await (const page of pages(first, item)) items.push(...page);
    } catch (e) {
      if (e instanceof PartnerCenterFailure) return err(e.error);
      throw e;
    }
    return ok(items);
  }

  async function* usage(first: PartnerCenterCall): AsyncIterable<UsageLineItem> {
    for await (const page of pages(first, UsageLineItemShape)) for (const row of page) yield toUsage(row);
  }

  async function agreementTemplate() {
    const templates = await call(
      {
        method: "GET",
        path: "/v1/agreements",
        query: { agreementType: "MicrosoftCustomerAgreement" },
        auth: "user",
      },
      collectionOf(AgreementTemplateShape),
    );
    if (!templates.ok) return templates;
    // Ids are data, not constants (B6): take the newest version Partner Center lists.
    const newest = templates.value.items
      .filter((t) => t.agreementType === "MicrosoftCustomerAgreement")
      .sort((a, b) => b.versionRank - a.versionRank)[0];
    if (!newest) throw new Error("Partner Center listed no Microsoft Customer Agreement template.");
    return ok({ templateId: newest.templateId, agreementLink: newest.agreementLink });
  }

  async function webhookRegistration(): Promise<Result<WebhookRegistration | null, PartnerCenterError>> {
    const found = await call(
      { method: "GET", path: WEBHOOK_REGISTRATION, auth: "app" },
      WebhookRegistrationShape,
    );
    if (!found.ok) return found.error.code === "not_found" ? ok(null) : found;
    const url = found.value?.WebhookUrl;
    return ok(url ? { url, events: found.value?.WebhookEvents ?? [] } : null);
  }

  async function registerWebhook(
    registration: WebhookRegistration,
  ): Promise<Result<WebhookRegistration, PartnerCenterError>> {
    const current = await webhookRegistration();
    if (!current.ok) return current;
    const send = (method: "POST" | "PUT") =>
      call(
        {
          method,
          path: WEBHOOK_REGISTRATION,
          auth: "app",
          json: { WebhookUrl: registration.url, WebhookEvents: [...registration.events] },
        },
        WebhookRegistrationShape,
      );
    // POST registers, PUT replaces (B8.2). Another process may have registered or removed it since the read:
    // Partner Center then refuses POST with 409 and PUT with 404, and the other method is right.
    const first = current.value ? "PUT" : "POST";
    let answer = await send(first);
    if (!answer.ok && answer.error.details.status === (first === "POST" ? 409 : 404))
      answer = await send(first === "POST" ? "PUT" : "POST");
    if (!answer.ok) return answer;
    return ok({
      url: answer.value?.WebhookUrl ?? registration.url,
      events: answer.value?.WebhookEvents ?? registration.events,
    });
  }

  async function setStatus(customerId: string, subscriptionId: string, status: "suspended" | "active") {
    const path = `/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}`;
    const current = await call({ method: "GET", path, auth: "app", customerId }, SubscriptionShape);
    if (!current.ok) return current;
    const etag = current.value.attributes?.etag;
    // PATCH takes the whole subscription with the changed status (B7.3).
    const changed = await call(
      {
        method: "PATCH",
        path,
        json: { ...current.value, status },
        // Concurrency: the etag read with the subscription (B7.3), so a change made meanwhile is not overwritten.
        headers: etag ? { "if-match": etag } : {},
        auth: "app",
        customerId,
      },
      SubscriptionShape,
    );
    return changed.ok ? ok(toSubscription(changed.value)) : changed;
  }

  return {
    isDomainAvailable: async (domain) => {
      // HEAD /v1/domains/{domain}: 200 = it exists (taken), 404 = available (B5.1).
      const answer = await client.send({
        method: "HEAD",
        path: `/v1/domains/${enc(domain)}`,
        auth: "app",
        answers: [404],
      });
      return answer.ok ? ok(answer.value.status === 404) : answer;
    },

    validateAddress: async (address) => {
      const checked = await call(
        { method: "POST", path: "/v1/validations/address", json: address, auth: "app" },
        AddressValidationShape,
      );
      if (!checked.ok) return checked;
      const { status, suggestedAddresses, validationMessage } = checked.value;
      return ok({
        valid: status === "VerifiedShippable" || status === "Verified",
        status,
        suggestions: suggestedAddresses,
        message: validationMessage ?? null,
      });
    },

    createCustomer: async (input, options) => {
      const created = await call(
        {
          method: "POST",
          path: "/v1/customers",
          auth: "app",
          idempotencyKey: options.idempotencyKey,
          json: {
            enableGDAPByDefault: false,
            companyProfile: {
              domain: input.domain,
              ...(input.organizationRegistrationNumber
                ? { organizationRegistrationNumber: input.organizationRegistrationNumber }
                : {}),
            },
            billingProfile: {
              email: input.billingEmail,
              culture: input.culture,
              language: input.language,
              companyName: input.companyName,
              defaultAddress: {
                ...input.address,
                firstName: input.contact.firstName,
                lastName: input.contact.lastName,
                ...(input.contact.phoneNumber ? { phoneNumber: input.contact.phoneNumber } : {}),
              },
            },
          },
        },
        CustomerShape,
      );
      if (!created.ok) return created;
      const credentials = created.value.userCredentials;
      return ok({
        ...toCustomer(created.value),
        admin: credentials ? { userName: credentials.userName, password: credentials.password } : null,
      });
    },

    customer: async (customerId) => {
      const found = await call(
        { method: "GET", path: `/v1/customers/${enc(customerId)}`, auth: "app", customerId },
        CustomerShape,
      );
      return found.ok ? ok(toCustomer(found.value)) : found;
    },

    findCustomersByDomain: async (prefix) => {
      const filter = JSON.stringify({ Field: "Domain", Value: prefix, Operator: "starts_with" });
      const found = await all(
        {
          method: "GET",
          path: "/v1/customers",
          query: { size: deps.customerPageSize ?? 100, filter },
          auth: "app",
        },
        CustomerShape,
      );
      return found.ok ? ok(found.value.map(toCustomer)) : found;
    },

    consentApplication: async (customerId, applicationId, grants, options) => {
      const answer = await client.send({
        method: "POST",
        path: `/v1/customers/${enc(customerId)}/applicationconsents`,
        auth: "app",
        customerId,
        idempotencyKey: options?.idempotencyKey,
        json: {
          applicationId,
          // Partner Center's consent takes the application's display name too (New-PartnerCustomerApplicationConsent).
          displayName: deps.applicationDisplayName ?? "Partner Cloud",
          applicationGrants: grants.map((g) => ({
            enterpriseApplicationId: g.enterpriseApplicationId,
            scope: g.scopes.join(","),
          })),
        },
      });
      return answer.ok ? ok(undefined) : answer;
    },

    customerAgreementTemplate: agreementTemplate,

    attestCustomerAgreement: async (customerId, contact, dateAgreed, options) => {
      const template = await agreementTemplate();
      if (!template.ok) return template;
      const answer = await client.send({
        method: "POST",
        path: `/v1/customers/${enc(customerId)}/agreements`,
        auth: "user",
        customerId,
        idempotencyKey: options?.idempotencyKey,
        json: {
          primaryContact: contact,
          templateId: template.value.templateId,
          dateAgreed: dateAgreed.toISOString(),
          type: "MicrosoftCustomerAgreement",
        },
      });
      if (answer.ok) return ok({ alreadyAttested: false });
      // 600061: the same contact's acceptance is already recorded; the step's goal is met.
      return answer.error.code === "agreement_already_attested" ? ok({ alreadyAttested: true }) : answer;
    },

    azurePlanCatalogItem: async (customerId) => {
      const found = await client.send({
        method: "GET",
        path: `/v1/customers/${enc(customerId)}/products/${AZURE_PLAN.productId}/skus/${AZURE_PLAN.skuId}/availabilities`,
        auth: "app",
        customerId,
      });
      if (!found.ok) return found;
      const availability = collectionOf(AvailabilityShape).parse(found.value.body).items[0];
      if (!availability)
        return err(
          partnerCenterErrorOf({
            status: 404,
            body: {
              code: 400019,
              description: "The Azure plan has no availability in the customer's market.",
            },
            requestId: found.value.requestId,
            correlationId: found.value.correlationId,
            retryAfterSeconds: null,
          }),
        );
      // catalogItemId = {productId}:{skuId}:{availabilityId} (B7.1).
      return ok({
        catalogItemId:
          availability.catalogItemId ?? `${AZURE_PLAN.productId}:${AZURE_PLAN.skuId}:${availability.id}`,
      });
    },

    createCart: async (customerId, line, options) => {
      const cart = await call(
        {
          method: "POST",
          path: `/v1/customers/${enc(customerId)}/carts`,
          auth: "app",
          customerId,
          idempotencyKey: options?.idempotencyKey,
          json: {
            lineItems: [
              {
                id: 0,
                catalogItemId: line.catalogItemId,
                quantity: 1,
                billingCycle: "one_time",
                friendlyName: line.friendlyName,
              },
            ],
          },
        },
        CartShape,
      );
      return cart.ok ? ok({ cartId: cart.value.id, customerId, status: cart.value.status }) : cart;
    },

    checkout: async (customerId, cartId, options) => {
      const result = await client.send({
        method: "POST",
        path: `/v1/customers/${enc(customerId)}/carts/${enc(cartId)}/checkout`,
        auth: "app",
        customerId,
        idempotencyKey: options?.idempotencyKey,
      });
      if (!result.ok) return result;
      const checkout = CheckoutShape.parse(result.value.body);
      const failed = checkout.orderErrors[0];
      if (checkout.orders.length === 0 && failed)
        return err(
          partnerCenterErrorOf({
            status: 400,
            body: failed,
            requestId: result.value.requestId,
            correlationId: result.value.correlationId,
            retryAfterSeconds: null,
          }),
        );
      return ok(checkout.orders.map((o) => toOrder(customerId, o)));
    },

    order: async (customerId, orderId) => {
      const found = await call(
        {
          method: "GET",
          path: `/v1/customers/${enc(customerId)}/orders/${enc(orderId)}`,
          auth: "app",
          customerId,
        },
        OrderShape,
      );
      return found.ok ? ok(toOrder(customerId, found.value)) : found;
    },

    subscriptions: async (customerId) => {
      const found = await call(
        { method: "GET", path: `/v1/customers/${enc(customerId)}/subscriptions`, auth: "app", customerId },
        collectionOf(SubscriptionShape),
      );
      return found.ok ? ok(found.value.items.map(toSubscription)) : found;
    },

    azureEntitlements: async (customerId, subscriptionId) => {
      const found = await call(
        {
          method: "GET",
          path: `/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}/azureEntitlements`,
          auth: "app",
          customerId,
        },
        collectionOf(EntitlementShape),
      );
      return found.ok
        ? ok(
            found.value.items.map((e) => ({
              azureSubscriptionId: e.id,
              friendlyName: e.friendlyName,
              status: e.status,
            })),
          )
        : found;
    },

    suspend: (customerId, subscriptionId) => setStatus(customerId, subscriptionId, "suspended"),
    reactivate: (customerId, subscriptionId) => setStatus(customerId, subscriptionId, "active"),

    cancelEntitlement: async (customerId, subscriptionId, azureSubscriptionId, options) => {
      const answer = await client.send({
        method: "POST",
        path: `/v1/customers/${enc(customerId)}/subscriptions/${enc(subscriptionId)}/azureEntitlements/${enc(azureSubscriptionId)}/cancel`,
        auth: "app",
        customerId,
        idempotencyKey: options?.idempotencyKey,
        // "compromise" is the one reason Microsoft documents (B7.3).
        json: { cancellationReason: "compromise" },
      });
      return answer.ok ? ok(undefined) : answer;
    },

    relationshipRequestLink: async () => {
      const link = await call(
        { method: "GET", path: "/v1/customers/relationshiprequests", auth: "user" },
        RelationshipRequestShape,
      );
      return link.ok ? ok(link.value.url) : link;
    },

    unbilledUsage: ({ period, currency }) =>
      usage({
        method: "GET",
        path: "/v1/invoices/unbilled/lineitems",
        query: {
          provider: "onetime",
          invoicelineitemtype: "usagelineitems",
          currencycode: currency,
          period,
          size: USAGE_PAGE_SIZE,
        },
        auth: "app",
        exactNumbers: true,
      }),

    billedUsage: (invoiceId, { currency }) =>
      usage({
        method: "GET",
        path: `/v1/invoices/${enc(invoiceId)}/lineitems`,
        query: {
          provider: "onetime",
          invoicelineitemtype: "usagelineitems",
          currencycode: currency,
          size: USAGE_PAGE_SIZE,
        },
        auth: "app",
        exactNumbers: true,
      }),

    invoices: async () => {
      // Invoices page by offset (B3); `links.next` carries the next offset in its uri.
      const found = await all(
        {
          method: "GET",
          path: "/v1/invoices",
          query: { size: 200, offset: 0 },
          auth: "user",
          exactNumbers: true,
        },
        InvoiceShape,
      );
      return found.ok
        ? ok(
            found.value.map((i) => ({
              invoiceId: i.id,
              invoiceDate: i.invoiceDate,
              periodStart: i.billingPeriodStartDate,
              periodEnd: i.billingPeriodEndDate,
              totalCharges: i.totalCharges,
              currency: i.currencyCode,
            })),
          )
        : found;
    },

    webhookRegistration,
    registerWebhook,
  };
}
