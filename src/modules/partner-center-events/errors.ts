import type { PartnerCenterError, WebhookCertificateError } from "../../integrations/partner-center/index.ts";
import { appError, type AppError } from "../../platform/result.ts";

const HEADERS =
  "Authorization: Signature <base64 RSA-SHA256 of the body>, X-MS-Certificate-Url and X-MS-Signature-Algorithm: rsa-sha256";

/** The failures of receiving Partner Center's events. Codes are persisted in clients' code: never rename one. */
export const partnerCenterEventsErrors = {
  unsigned: (what: string) =>
    appError(
      "partner_center_event_unsigned",
      `This is not a signed Partner Center event delivery (${what}). Partner Center sends ${HEADERS}.`,
    ),
  certificateRefused: (why: string) =>
    appError(
      "partner_center_event_certificate_refused",
      `The delivery's X-MS-Certificate-Url is not accepted: ${why}. Only Partner Center's own certificates verify its events.`,
    ),
  signatureInvalid: () =>
    appError(
      "partner_center_event_signature_invalid",
      "The signature does not match the body for the certificate named in X-MS-Certificate-Url: the body was changed, or it was not signed by Partner Center.",
    ),
  malformed: (why: string) =>
    appError(
      "validation_failed",
      `The signed delivery is not a Partner Center event: ${why}. Partner Center sends { EventName, ResourceUri, ResourceName, AuditUri, ResourceChangeUtcDate }.`,
    ),
  notConnected: () => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft, so it cannot check Partner Center's events: set MICROSOFT_LOGIN_URL, PARTNER_CENTER_URL, GRAPH_URL, ARM_URL, PARTNER_CLOUD_URL and the PARTNER_* keys, then restart.",
    ),
    retryable: true,
  }),
};

export type PartnerCenterEventsError =
  | ReturnType<(typeof partnerCenterEventsErrors)[keyof typeof partnerCenterEventsErrors]>
  | WebhookCertificateError;

export type RegistrationError = PartnerCenterError | (AppError & { code: "microsoft_not_connected" });
