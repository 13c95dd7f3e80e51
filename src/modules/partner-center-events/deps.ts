import type { PartnerCenter, WebhookCertificates } from "../../integrations/partner-center/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { AuditLog } from "../audit/index.ts";

/** Partner Center as this process is connected to it. */
export type ConnectedPartnerCenter = {
  readonly api: Pick<PartnerCenter, "webhookRegistration" | "registerWebhook">;
  /** Partner Center's base URL: certificates on its origin may be fetched (the emulator serves its key there). */
  readonly baseUrl: string;
  readonly certificates: Pick<WebhookCertificates, "download">;
};

export type PartnerCenterEventsDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Null when this process is not connected to Microsoft. */
  readonly partnerCenter: ConnectedPartnerCenter | null;
  /**
   * Told that Partner Center announced a customer's acceptance of the partner's reseller relationship; answers how
   * many onboarding runs it woke. The announcement is a hint: whoever is told re-reads Partner Center.
   */
  readonly onResellerRelationshipAccepted: (customerTenantId: string) => Promise<number>;
  readonly log?: Logger;
};
