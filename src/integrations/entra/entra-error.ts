import { z } from "zod";
import type { HttpOutcome } from "../http/index.ts";
import type { EntraError, EntraErrorDetails } from "./port.ts";

/** Entra's error body (microsoft-apis.md §A1). */
const ErrorBody = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
  trace_id: z.string().optional(),
  correlation_id: z.string().optional(),
});

/** The grant that failed: a refused refresh token or code means a new sign-in, a refused client secret does not. */
export type Grant = "client_credentials" | "refresh_token" | "authorization_code";

/** Maps a failed token request to our error, keeping Entra's AADSTS codes and its trace and correlation ids. */
export function entraError(
  outcome: HttpOutcome,
  context: { tenant: string; resource: string; grant: Grant; correlationId: string },
): EntraError {
  const base = { tenant: context.tenant, resource: context.resource, correlationId: context.correlationId };
  if (!outcome.ok)
    return {
      code: "entra_unavailable",
      message: `Microsoft Entra ID could not be reached (${outcome.error.message}). Try again later.`,
      retryable: true,
      details: base,
    };
  const { status } = outcome.value;
  const parsed = ErrorBody.safeParse(outcome.value.json);
  const body = parsed.success ? parsed.data : undefined;
  const details: EntraErrorDetails = {
    ...base,
    status,
    ...(body?.error_codes ? { errorCodes: body.error_codes } : {}),
    ...(body ? { entraError: body.error } : {}),
    ...(body?.trace_id ? { traceId: body.trace_id } : {}),
    ...(body?.correlation_id ? { correlationId: body.correlation_id } : {}),
  };
  if (status === 429 || status >= 500 || !body)
    return {
      code: "entra_unavailable",
      message: `Microsoft Entra ID answered ${status} for tenant ${context.tenant}. Try again later.`,
      retryable: true,
      details,
    };
  const codes = body.error_codes ?? [];
  if (codes.includes(90002) || body.error === "invalid_tenant")
    return {
      code: "entra_unknown_tenant",
      message: `Microsoft Entra ID knows no tenant '${context.tenant}'. Check the tenant id or domain.`,
      retryable: false,
      details,
    };
  if (body.error === "invalid_client")
    return {
      code: "entra_bad_client_secret",
      message:
        "Microsoft Entra ID refused the partner application's client secret (wrong or expired). Create a new secret for the application and configure it.",
      retryable: false,
      details,
    };
  if (body.error === "unauthorized_client" || codes.includes(700016))
    return {
      code: "entra_app_not_in_tenant",
      message: `The partner application is not registered in tenant '${context.tenant}', or that tenant has not consented to it. Grant consent in the tenant, then try again.`,
      retryable: false,
      details,
    };
  if (body.error === "invalid_grant" && context.grant === "refresh_token")
    return {
      code: "entra_sign_in_required",
      message:
        "The partner administrator's sign-in has expired or was revoked. A partner administrator must sign in again (with MFA) to renew it.",
      retryable: false,
      details,
    };
  if (body.error === "invalid_grant" && context.grant === "authorization_code")
    return {
      code: "entra_sign_in_required",
      message:
        "Microsoft Entra ID refused the sign-in's authorization code (it expired, was already used, or was issued for another reply URL). Sign in again.",
      retryable: false,
      details,
    };
  return {
    code: "entra_rejected",
    message: `Microsoft Entra ID refused the token request (${body.error}${codes.length ? ` AADSTS${codes.join(", AADSTS")}` : ""}). Check the application's configuration.`,
    retryable: false,
    details,
  };
}
