import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { AppError } from "../platform/result.ts";

/** The one table from error code to HTTP status. Codes are stable: clients branch on them. */
const statusOf: Record<string, number> = {
  validation_failed: 400,
  invalid_reference: 400,
  not_org_member: 400,
  malformed_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_rejected: 403,
  token_scope: 403,
  user_disabled: 403,
  not_found: 404,
  route_not_found: 404,
  name_taken: 409,
  email_taken: 409,
  cost_center_not_empty: 409,
  default_cost_center: 409,
  personal_workspace: 409,
  last_admin: 409,
  cannot_disable_self: 409,
  already_set_up: 409,
  token_limit: 409,
  invitation_invalid: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_attempts: 429,
  partner_cloud_not_connected: 503,
  partner_cloud_bad_credentials: 400,
  partner_cloud_not_account_admin: 403,
  partner_cloud_session_expired: 409,
  partner_cloud_unknown_account: 404,
  partner_cloud_rejected: 502,
  partner_cloud_unavailable: 503,
  connection_ticket_invalid: 410,
  billing_account_not_offered: 400,
  billing_account_already_connected: 409,
  billing_account_connected_elsewhere: 409,
  billing_account_in_use: 409,
  terms_outdated: 409,
  terms_version_conflict: 409,
  ineligible_country: 422,
  ineligible_reseller: 422,
  ineligible_not_billable: 422,
  ineligible_inactive: 422,
  azure_customer_exists: 409,
  no_subscription: 422,
  billing_account_not_found: 404,
  billing_account_ineligible: 422,
  terms_not_accepted: 409,
  customer_profile_required: 400,
  address_country_mismatch: 422,
  domain_taken: 409,
  address_invalid: 422,
  onboarding_not_found: 404,
  azure_customer_not_found: 404,
  credentials_not_available: 409,
  run_not_actionable: 409,
  invitation_not_open: 409,
  migration_subscriptions_not_open: 409,
  migration_subscription_not_waiting: 409,
  invitation_link_unknown: 404,
  task_not_open: 409,
  target_subscription_required: 400,
  target_subscription_invalid: 422,
  provider_deleting: 409,
  provider_credentials_not_applicable: 409,
  provider_tenant_not_found: 422,
  provider_client_id_not_found: 422,
  provider_client_secret_rejected: 422,
  provider_credentials_rejected: 422,
  provider_subscription_not_found: 422,
  provider_subscription_access_denied: 422,
  provider_subscription_disabled: 422,
  provider_secret_unreadable: 422,
  microsoft_not_connected: 503,
  microsoft_unavailable: 503,
  microsoft_sign_in_invalid: 400,
  microsoft_sign_in_expired: 410,
  microsoft_sign_in_declined: 400,
  microsoft_sign_in_failed: 502,
  microsoft_sign_in_wrong_tenant: 422,
  unknown_preset: 400,
  unknown_service: 400,
  preset_exists: 409,
  built_in_preset: 409,
  preset_in_use: 409,
  webhook_limit: 409,
  webhook_disabled: 409,
  partner_center_event_unsigned: 401,
  partner_center_event_certificate_refused: 401,
  partner_center_event_signature_invalid: 401,
  partner_center_certificate_unavailable: 503,
  price_plan_invalid: 400,
  price_plan_not_future: 422,
  exchange_rate_invalid: 400,
  exchange_rate_missing: 409,
  estimate_request_invalid: 400,
  estimate_month_not_started: 422,
  estimate_daily_totals_invalid: 409,
  estimate_unavailable: 409,
  billing_settings_invalid: 400,
  billing_account_currency_unknown: 422,
  invoice_finalized: 409,
  invoice_not_finalized: 409,
  invoice_already_credited: 409,
  invoice_is_credit_note: 409,
  invoice_period_future: 422,
  invoice_currency_not_postable: 422,
  invoice_busy: 503,
  usage_not_final: 409,
  partner_cloud_billing_not_configured: 503,
  usage_columns_missing: 422,
  usage_columns_duplicated: 422,
  usage_file_empty: 422,
  usage_file_not_utf8: 422,
  usage_header_malformed: 422,
  usage_file_not_found: 400,
  usage_import_busy: 409,
  usage_pull_failed: 502,
  internal: 500,
};

export type FieldError = { path: string; message: string };

export type ErrorBody = {
  error: {
    code: string;
    message: string;
    requestId: string;
    fields?: FieldError[];
    /** What a client needs to offer the fix: eligibility reasons, Microsoft's address suggestions. */
    reasons?: unknown;
    suggestions?: unknown;
  };
};

export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  e: AppError,
  fields?: FieldError[],
): FastifyReply {
  const status = statusOf[e.code] ?? 400;
  const retryAfter = e.details?.["retryAfterSeconds"];
  if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
  const body: ErrorBody = { error: { code: e.code, message: e.message, requestId: req.id } };
  const field = e.details?.["field"];
  const named =
    fields && fields.length > 0
      ? fields
      : typeof field === "string"
        ? [{ path: field, message: e.message }]
        : [];
  if (named.length > 0) body.error.fields = named;
  for (const key of ["reasons", "suggestions"] as const)
    if (e.details?.[key] !== undefined) body.error[key] = e.details[key];
  return reply.code(status).send(body);
}

const appError = (code: string, message: string): AppError => ({ code, message, retryable: false });

const where: Record<string, string> = {
  body: "",
  querystring: "query parameter ",
  params: "path parameter ",
};

/** Turns schema failures into field-by-field messages, and never lets a bug's details reach the client. */
export function handleError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = error.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, "").replace(/\//g, ".");
      return { path, message: v.message ?? "is not valid" };
    });
    const context = where[error.validationContext ?? "body"] ?? "";
    const summary = fields.map((f) => `${context}${f.path || "(request)"}: ${f.message}`).join("; ");
    return sendError(
      req,
      reply,
      appError("validation_failed", `The request is not valid. ${summary}`),
      fields,
    );
  }
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return sendError(
        req,
        reply,
        appError("malformed_json", "The body is not valid JSON. Send a JSON object."),
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return sendError(
        req,
        reply,
        appError(
          "unsupported_media_type",
          "Send the body as JSON with the header Content-Type: application/json.",
        ),
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return sendError(
        req,
        reply,
        appError("payload_too_large", "The body is too large; the limit is 1 MiB."),
      );
  }
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(req, reply, appError("validation_failed", `The request is not valid: ${error.message}`));
  }
  req.log.error({ err: error }, "unhandled error");
  return sendError(
    req,
    reply,
    appError(
      "internal",
      "Something went wrong on our side. Try again; if it keeps failing, quote the requestId to support.",
    ),
  );
}

export const notAuthenticated = (): AppError =>
  appError("unauthenticated", "Sign in first, or send a valid API token as 'Authorization: Bearer <token>'.");

export const csrfRejected = (why: string): AppError => appError("csrf_rejected", why);

export const tokenScopeTooNarrow = (): AppError =>
  appError("token_scope", "This API token is read-only. Create a token with scope 'write' to change things.");

export const operatorsOnly = (): AppError => appError("forbidden", "Only partner operators may do this.");

export const routeNotFound = (method: string, url: string): AppError =>
  appError("route_not_found", `There is no ${method} ${url.split("?")[0] ?? url}. See /docs for the API.`);
