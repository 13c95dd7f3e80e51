import { ApiError } from "../../api/api-error.ts";
import type { AzureOption, OnboardingRunState, ProviderState } from "../../api/types.ts";

export const providerStateLabel: Record<ProviderState, string> = {
  initializing: "Initializing",
  processing: "Processing",
  ready: "Ready",
  deleting: "Deleting",
  unavailable: "Unavailable",
  failed: "Failed",
};

export const providerStateBadge: Record<ProviderState, string> = {
  initializing: "badge badge-accent",
  processing: "badge badge-accent",
  ready: "badge badge-ok",
  deleting: "badge",
  unavailable: "badge badge-warn",
  failed: "badge badge-off",
};

/** Short names of the options for lists; the wizard shows the API's full labels. */
export const optionShortLabel: Record<AzureOption, string> = {
  "existing-account": "Existing Azure account",
  "migrate-tenant": "Migrated to the partner",
  "new-customer": "New Azure customer account",
};

export const runStateLabel: Record<OnboardingRunState, string> = {
  queued: "Waiting to start",
  running: "In progress",
  compensating: "Undoing steps",
  succeeded: "Finished",
  failed: "Failed",
  stuck: "Stuck",
  cancelled: "Cancelled",
};

export const runStateBadge: Record<OnboardingRunState, string> = {
  queued: "badge badge-accent",
  running: "badge badge-accent",
  compensating: "badge badge-warn",
  succeeded: "badge badge-ok",
  failed: "badge badge-off",
  stuck: "badge badge-warn",
  cancelled: "badge",
};

/** After these the run never moves again, and the server closes the progress stream. */
export const terminalRunStates: ReadonlySet<OnboardingRunState> = new Set([
  "succeeded",
  "failed",
  "cancelled",
]);

/** Refusals that concern one field of the provider forms, for answers that do not name the field themselves. */
const fieldOfCode: Record<string, string> = {
  name_taken: "name",
  provider_tenant_not_found: "tenant",
  provider_client_id_not_found: "clientId",
  provider_client_secret_rejected: "clientSecret",
  provider_credentials_rejected: "clientSecret",
  provider_subscription_not_found: "subscriptionId",
  provider_subscription_access_denied: "subscriptionId",
  provider_subscription_disabled: "subscriptionId",
  ineligible_country: "billingAccountId",
  ineligible_reseller: "billingAccountId",
  ineligible_not_billable: "billingAccountId",
  ineligible_inactive: "billingAccountId",
};

/** The same failure, its message attached to the field it concerns so the form shows it there. */
export function blameField(e: unknown): unknown {
  if (!(e instanceof ApiError) || e.fields.length > 0) return e;
  const path = fieldOfCode[e.code];
  return path ? new ApiError(e.status, e.code, e.message, e.requestId, [{ path, message: e.message }]) : e;
}
