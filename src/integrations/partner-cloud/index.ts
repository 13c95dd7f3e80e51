export type {
  InvoiceLine,
  PartnerCloud,
  PartnerCloudAccount,
  PartnerCloudError,
  PartnerCloudInvoice,
  PartnerCloudSession,
} from "./port.ts";
export type { PartnerCloudClientDeps } from "./partner-cloud-client.ts";
export { createPartnerCloudClient } from "./partner-cloud-client.ts";
