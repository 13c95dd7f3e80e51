import type { AppError, Result } from "../../platform/result.ts";

export type PostalAddress = {
  readonly addressLine1: string;
  readonly addressLine2?: string;
  readonly city: string;
  /** The state or province code, where the country uses one (e.g. "WA"). */
  readonly state?: string;
  readonly postalCode: string;
  /** ISO 3166 alpha-2, e.g. "US". */
  readonly country: string;
};

export type AddressCheck = {
  /** True when Microsoft verified the address as given (or as one of its suggestions, which it returned). */
  readonly valid: boolean;
  /** Microsoft's verdict: VerifiedShippable, Verified, InteractionRequired, StreetPartial, PremisesPartial, … */
  readonly status: string;
  readonly suggestions: readonly PostalAddress[];
  /** Which properties Microsoft found wrong, when it said so. */
  readonly message: string | null;
};

export type Contact = {
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly phoneNumber?: string;
};

export type NewCustomer = {
  /** The full initial domain, `<prefix>.onmicrosoft.com`. */
  readonly domain: string;
  readonly companyName: string;
  readonly billingEmail: string;
  readonly culture: string;
  readonly language: string;
  readonly contact: Contact;
  readonly address: PostalAddress;
  /** Required in some countries (microsoft-apis.md §B5.3). */
  readonly organizationRegistrationNumber?: string;
};

/** A customer tenant the partner resells to. Its id is the tenant id (Microsoft ID). */
export type Customer = {
  readonly customerId: string;
  readonly domain: string;
  readonly companyName: string;
  readonly relationship: string;
};

export type CreatedCustomer = Customer & {
  /** The initial Global Administrator and its one-time password: shown once, never again. */
  readonly admin: { readonly userName: string; readonly password: string } | null;
};

/** A first-party API and the scopes our application gets on it in the customer's tenant. */
export type ApplicationGrant = {
  readonly enterpriseApplicationId: string;
  readonly scopes: readonly string[];
};

export type AgreementTemplate = { readonly templateId: string; readonly agreementLink: string };

export type Attestation = { readonly alreadyAttested: boolean };

export type AzurePlanOffer = { readonly catalogItemId: string };

export type Cart = { readonly cartId: string; readonly customerId: string; readonly status: string };

export type OrderLine = {
  readonly lineNumber: number;
  readonly catalogItemId: string;
  /** The Partner Center subscription created for this line, once provisioned. */
  readonly subscriptionId: string | null;
};

export type Order = {
  readonly orderId: string;
  readonly customerId: string;
  /** pending, completed, cancelled, … (microsoft-apis.md §B7.2). */
  readonly status: string;
  readonly lines: readonly OrderLine[];
};

export type CustomerSubscription = {
  readonly subscriptionId: string;
  readonly catalogItemId: string;
  readonly friendlyName: string;
  /** active, suspended, pending, deleted, … */
  readonly status: string;
  readonly orderId: string | null;
};

/** An Azure subscription under an Azure plan. */
export type AzureEntitlement = {
  readonly azureSubscriptionId: string;
  readonly friendlyName: string;
  readonly status: string;
};

export type Invoice = {
  readonly invoiceId: string;
  readonly invoiceDate: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** A decimal string, exactly as Microsoft sent it. */
  readonly totalCharges: string;
  readonly currency: string;
};

/** One day of one meter on one resource, as Microsoft rates it. Amounts are decimal strings, never floats. */
export type UsageLineItem = {
  readonly customerTenantId: string;
  readonly customerName: string;
  /** The Azure plan (a Partner Center subscription). */
  readonly azurePlanSubscriptionId: string;
  /** The Azure subscription the usage happened in. */
  readonly azureSubscriptionId: string;
  /** YYYY-MM-DD. */
  readonly usageDate: string;
  readonly meterId: string;
  readonly meterName: string;
  readonly meterCategory: string;
  readonly resourceUri: string;
  readonly resourceLocation: string;
  readonly productId: string;
  readonly skuId: string;
  readonly availabilityId: string;
  readonly chargeType: string;
  readonly unit: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly effectiveUnitPrice: string;
  readonly billingPreTaxTotal: string;
  readonly billingCurrency: string;
  readonly pricingPreTaxTotal: string;
  readonly pricingCurrency: string;
  /** Pricing → billing currency, fixed by Microsoft once a month (a decimal string). */
  readonly pcToBCExchangeRate: string;
  /** The day Microsoft fixed the rate, YYYY-MM-DD. */
  readonly pcToBCExchangeRateDate: string;
  /** "0" or the partner-earned credit rate, e.g. "0.15". */
  readonly partnerEarnedCreditRate: string;
  /** Empty while unbilled. */
  readonly invoiceNumber: string;
};

export type PartnerCenterErrorCode =
  | "domain_taken"
  | "invalid_address"
  | "invalid_customer_details"
  | "customer_agreement_missing"
  | "agreement_already_attested"
  | "cart_already_submitted"
  | "order_in_progress"
  | "catalog_item_unavailable"
  | "not_our_customer"
  | "customer_under_review"
  | "partner_agreement_missing"
  | "azure_plan_in_use"
  | "not_found"
  | "idempotency_key_reused"
  | "partner_center_sign_in_failed"
  | "partner_center_rejected"
  | "partner_center_throttled"
  | "partner_center_unavailable";

/**
 * The partner's webhook registration (B8.2): Partner Center keeps one per partner, a URL and the events it POSTs
 * there.
 */
export type WebhookRegistration = {
  readonly url: string;
  /** Partner Center's event names, e.g. "reseller-relationship-accepted-by-customer". */
  readonly events: readonly string[];
};

/** A failure of a Partner Center call in our words, keeping Microsoft's code and the ids support asks for. */
export type PartnerCenterError = AppError & {
  readonly code: PartnerCenterErrorCode;
  readonly details: {
    readonly status: number | null;
    readonly partnerCenterCode: string | null;
    readonly description: string | null;
    /** The MS-RequestId and MS-CorrelationId we sent: quote them to Microsoft support. */
    readonly requestId: string;
    readonly correlationId: string;
    readonly retryAfterSeconds?: number;
    readonly invalidFields?: readonly string[];
    /** Why Entra ID gave no token, when the call failed before reaching Partner Center. */
    readonly entraCode?: string;
  };
};

/** The caller's idempotency key for a write: the workflow's id and step id. Sent as MS-RequestId. */
export type WriteOptions = { readonly idempotencyKey: string };

type Answer<T> = Promise<Result<T, PartnerCenterError>>;

/** Our port to Partner Center: the calls customer onboarding, the Azure plan and billing make. */
export type PartnerCenter = {
  isDomainAvailable(domain: string): Answer<boolean>;
  validateAddress(address: PostalAddress): Answer<AddressCheck>;
  /** Creates the customer tenant. A retry with the same key after a timeout returns the first answer. */
  createCustomer(input: NewCustomer, options: WriteOptions): Answer<CreatedCustomer>;
  customer(customerId: string): Answer<Customer>;
  /** Every customer whose domain starts with `prefix`, across all pages. */
  findCustomersByDomain(prefix: string): Answer<Customer[]>;
  /** Gives our multi-tenant application the grants in the customer's tenant (the control-panel-vendor model). */
  consentApplication(
    customerId: string,
    applicationId: string,
    grants: readonly ApplicationGrant[],
    options?: WriteOptions,
  ): Answer<void>;
  /** The current Microsoft Customer Agreement template (App+User). */
  customerAgreementTemplate(): Answer<AgreementTemplate>;
  /** Records that the customer accepted the MCA (App+User); attesting twice is not an error. */
  attestCustomerAgreement(
    customerId: string,
    contact: Contact,
    dateAgreed: Date,
    options?: WriteOptions,
  ): Answer<Attestation>;
  /** The Azure plan's catalog item id in the customer's market. */
  azurePlanCatalogItem(customerId: string): Answer<AzurePlanOffer>;
  createCart(
    customerId: string,
    line: { catalogItemId: string; friendlyName: string },
    options?: WriteOptions,
  ): Answer<Cart>;
  checkout(customerId: string, cartId: string, options?: WriteOptions): Answer<Order[]>;
  order(customerId: string, orderId: string): Answer<Order>;
  subscriptions(customerId: string): Answer<CustomerSubscription[]>;
  azureEntitlements(customerId: string, subscriptionId: string): Answer<AzureEntitlement[]>;
  suspend(customerId: string, subscriptionId: string): Answer<CustomerSubscription>;
  reactivate(customerId: string, subscriptionId: string): Answer<CustomerSubscription>;
  cancelEntitlement(
    customerId: string,
    subscriptionId: string,
    azureSubscriptionId: string,
    options?: WriteOptions,
  ): Answer<void>;
  /** The reseller relationship invitation link to send to a customer's admin (App+User). */
  relationshipRequestLink(): Answer<string>;
  /**
   * Unbilled daily-rated usage of the current or previous month in one currency, every page. A failure while
   * paging throws PartnerCenterFailure.
   */
  unbilledUsage(query: { period: "current" | "previous"; currency: string }): AsyncIterable<UsageLineItem>;
  /** The daily-rated usage billed on an invoice, every page. A failure while paging throws PartnerCenterFailure. */
  billedUsage(invoiceId: string, query: { currency: string }): AsyncIterable<UsageLineItem>;
  /** The partner's invoices (App+User), every page. */
  invoices(): Answer<Invoice[]>;
  /** The partner's webhook registration, or null when there is none. */
  webhookRegistration(): Answer<WebhookRegistration | null>;
  /**
   * Makes `registration` the partner's webhook registration: registered (POST) when there is none, replaced (PUT)
   * when there is one, whatever URL it named.
   */
  registerWebhook(registration: WebhookRegistration): Answer<WebhookRegistration>;
};
