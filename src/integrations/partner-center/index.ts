export type {
  AddressCheck,
  AgreementTemplate,
  ApplicationGrant,
  Attestation,
  AzureEntitlement,
  AzurePlanOffer,
  Cart,
  Contact,
  CreatedCustomer,
  Customer,
  CustomerSubscription,
  Invoice,
  NewCustomer,
  Order,
  OrderLine,
  PartnerCenter,
  PartnerCenterError,
  PartnerCenterErrorCode,
  PostalAddress,
  UsageLineItem,
  WebhookRegistration,
  WriteOptions,
} from "./port.ts";
export {
  createPartnerCenter,
  defaultPartnerCenterRateLimit,
  PartnerCenterFailure,
  type PartnerCenterDeps,
} from "./partner-center.ts";
export type { RateLimit } from "./rate-limiter.ts";
export { parseJsonExact } from "./exact-json.ts";
export {
  createWebhookCertificates,
  type WebhookCertificateError,
  type WebhookCertificates,
} from "./webhook-certificates.ts";
