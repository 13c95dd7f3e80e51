import type { EntraError } from "../../integrations/entra/index.ts";
import { appError } from "../../platform/result.ts";

/** The failures of the Microsoft connection. Codes are persisted in clients' code: never rename one. */
export const microsoftConnectionErrors = {
  forbidden: () =>
    appError(
      "forbidden",
      "Only partner operators manage the Microsoft connection. Ask an operator to sign in with Microsoft.",
    ),
  notConnected: () => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft: set MICROSOFT_LOGIN_URL, PARTNER_CENTER_URL, GRAPH_URL, ARM_URL, PARTNER_CLOUD_URL and the PARTNER_* keys, restart, then sign in.",
    ),
    retryable: true,
  }),
  requestUnknown: () =>
    appError(
      "microsoft_sign_in_invalid",
      "This sign-in answer does not match a sign-in started here, or it was already used. Start again with “Sign in with Microsoft”.",
    ),
  requestExpired: (minutes: number) =>
    appError(
      "microsoft_sign_in_expired",
      `The sign-in took longer than ${minutes} minutes, so its answer is no longer accepted. Start again with “Sign in with Microsoft”.`,
    ),
  noCode: () =>
    appError(
      "microsoft_sign_in_invalid",
      "Microsoft's answer carries neither a code nor an error. Start again with “Sign in with Microsoft”.",
    ),
  /** Entra sent the browser back with an error (`access_denied` when the person cancelled). */
  declined: (entraError: string) =>
    appError(
      "microsoft_sign_in_declined",
      `Microsoft did not complete the sign-in (${entraError}). Start again and finish the sign-in, or ask the partner's Microsoft Entra administrator why it was refused.`,
      { entraError },
    ),
  starterNoLongerOperator: () =>
    appError(
      "forbidden",
      "The person who started this sign-in is no longer a partner operator, so it is not kept. An operator must start it again.",
    ),
  verifierUnreadable: (why: string) =>
    appError(
      "microsoft_sign_in_invalid",
      `The sign-in's stored proof key cannot be read (${why}). Start again with “Sign in with Microsoft”.`,
    ),
  wrongTenant: (tenantId: string, partnerTenantId: string) =>
    appError(
      "microsoft_sign_in_wrong_tenant",
      `The account that signed in belongs to tenant ${tenantId}, not the partner's tenant ${partnerTenantId}. Sign in with an administrator of the partner's tenant.`,
      { tenantId, partnerTenantId },
    ),
  /** The code exchange failed: Entra unavailable (try again), or it refused (sign in again, or fix the app). */
  exchangeFailed: (e: EntraError) =>
    e.code === "entra_unavailable"
      ? {
          ...appError(
            "microsoft_unavailable",
            `${e.message} The sign-in was not kept: start it again in a moment.`,
            { entraCode: e.code, correlationId: e.details.correlationId },
          ),
          retryable: true,
        }
      : appError("microsoft_sign_in_failed", e.message, {
          entraCode: e.code,
          correlationId: e.details.correlationId,
          ...(e.details.errorCodes ? { errorCodes: e.details.errorCodes } : {}),
        }),
};

export type MicrosoftConnectionError = ReturnType<
  (typeof microsoftConnectionErrors)[keyof typeof microsoftConnectionErrors]
>;
