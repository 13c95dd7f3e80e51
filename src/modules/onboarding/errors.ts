import { appError, type AppError } from "../../platform/result.ts";

/** Failures of onboarding requests. Codes are persisted in clients' code: never rename one. */
export const onboardingErrors = {
  notConnected: (): AppError => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft, so it cannot create Azure customers now. Ask the operator to configure the Microsoft connection, then try again.",
    ),
    retryable: true,
  }),
  billingAccountNotFound: (id: string) =>
    appError(
      "billing_account_not_found",
      `billingAccountId: no connected billing account ${id} belongs to this organization or this workspace's cost center. Connect one under Billing accounts, or pick another.`,
      { field: "billingAccountId" },
    ),
  ineligible: (alias: string, reasons: readonly { code: string; message: string; wayForward: string }[]) =>
    appError(
      "billing_account_ineligible",
      `billingAccountId: the partner-cloud account ${alias} cannot be used for an optimized provider. ${reasons.map((r) => `${r.message} ${r.wayForward}`).join(" ")}`,
      { field: "billingAccountId", reasons },
    ),
  termsNotAccepted: (alias: string) =>
    appError(
      "terms_not_accepted",
      `billingAccountId: the current partner terms and Microsoft Customer Agreement are not accepted for ${alias}. Review and accept them under Billing accounts, then try again.`,
      { field: "billingAccountId" },
    ),
  profileRequired: () =>
    appError(
      "customer_profile_required",
      "customer: this organization has no Azure customer yet, so its company profile is needed: company name, address and contact (and a domain prefix if you want to choose it).",
      { field: "customer" },
    ),
  countryMismatch: (given: string, expected: string) =>
    appError(
      "address_country_mismatch",
      `customer.address.country: the company address is in ${given} but the billing account bills in ${expected}. Use the address in ${expected}, or a billing account of ${given}.`,
      { field: "customer.address.country" },
    ),
  domainTaken: (domain: string) =>
    appError(
      "domain_taken",
      `customer.domainPrefix: ${domain} is already taken in Microsoft Entra ID. Choose another prefix, or leave it empty to have one chosen from the company name.`,
      { field: "customer.domainPrefix", domain },
    ),
  addressInvalid: (status: string, message: string | null, suggestions: readonly unknown[]) =>
    appError(
      "address_invalid",
      `customer.address: Microsoft could not verify the company address (${status}${message ? `: ${message}` : ""}).${suggestions.length ? " It suggests the addresses in details.suggestions." : " Check the street, city, state and postal code."}`,
      { field: "customer.address", status, suggestions },
    ),
  upstream: (e: AppError): AppError => ({
    ...appError(
      "microsoft_unavailable",
      `Microsoft did not answer in time (${e.message}). Nothing was created; try again in a few minutes.`,
    ),
    retryable: true,
  }),
  customerExists: () =>
    appError(
      "azure_customer_exists",
      "This organization already has an Azure customer, and an organization has one: use the option new-customer to add a subscription under it, or migrate this tenant in another organization.",
    ),
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} ${id} exists, or you cannot see it. Check the id.`),
  forbidden: (why: string) => appError("forbidden", why),
  credentialsGone: (state: string) =>
    appError(
      "credentials_not_available",
      state === "shown"
        ? "The Azure customer's administrator credentials were already shown once and are no longer kept. Reset the administrator's password in the Microsoft Entra admin center, or open a support request."
        : "Microsoft did not give Partner Cloud the administrator's initial password for this customer. Reset it in the Microsoft Entra admin center, or open a support request.",
    ),
  wrongPassword: () =>
    appError(
      "invalid_credentials",
      "password: that is not your password. Enter your own Partner Cloud password again.",
    ),
  runNotActionable: (e: AppError) => ({
    ...appError("run_not_actionable", e.message),
    details: e.details ?? {},
  }),
  invitationNotOpen: (state = "accepted") =>
    appError(
      "invitation_not_open",
      state === "accepted"
        ? "The tenant's administrator already accepted the invitation: there is nothing to send or decline."
        : `The invitation is ${state}: it can no longer be declined. Nothing changed.`,
      { state },
    ),
  invitationLinkUnknown: () =>
    appError(
      "invitation_link_unknown",
      "token: this invitation link is not known. It may have been replaced by a newer invitation: use the link in the latest mail.",
      { field: "token" },
    ),
  taskNotOpen: (state: string) =>
    appError("task_not_open", `The task is ${state}, so it cannot be completed again. Nothing changed.`, {
      state,
    }),
  targetRequired: () =>
    appError(
      "target_subscription_required",
      "targetSubscriptionId: a move is completed with the id of the new subscription the resources moved into. Enter it.",
      { field: "targetSubscriptionId" },
    ),
  badTarget: (why: string) =>
    appError(
      "target_subscription_invalid",
      `targetSubscriptionId: that subscription cannot take over: ${why}. Enter the new subscription under the partner's Azure plan in the customer's tenant.`,
      { field: "targetSubscriptionId" },
    ),
  subscriptionsNotOpen: () =>
    appError(
      "migration_subscriptions_not_open",
      "The migration is not waiting for its subscriptions now: a subscription can be left out only while it is. Nothing changed.",
    ),
  subscriptionNotWaiting: (subscriptionId: string) =>
    appError(
      "migration_subscription_not_waiting",
      `subscriptionId: ${subscriptionId} is not one of this migration's subscriptions still waiting (it may be under the partner already, or left out). Nothing changed.`,
      { field: "subscriptionId" },
    ),
};
