import { appError } from "../../platform/result.ts";

/** The failures the providers module reports. Codes are persisted in clients' code: never rename one. */
export const providerErrors = {
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} with id ${id} exists, or you cannot see it. Check the id.`),
  forbidden: (why: string) => appError("forbidden", why),
  nameTaken: (name: string) =>
    appError(
      "name_taken",
      `A provider named "${name}" already exists in this workspace. Choose another name.`,
    ),
  deleting: (id: string) =>
    appError(
      "provider_deleting",
      `Provider ${id} is being deleted; it can no longer be changed or synchronized.`,
    ),
  credentialsNotApplicable: (id: string) =>
    appError(
      "provider_credentials_not_applicable",
      `Provider ${id} was not created with the option existing-account: Partner Cloud holds its credentials itself.`,
    ),
  notConnected: () => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft, so Azure credentials cannot be checked now. Ask the operator to configure the Microsoft connection, then try again.",
    ),
    retryable: true,
  }),
  unavailable: (why: string) => ({
    ...appError(
      "microsoft_unavailable",
      `Microsoft did not answer in time (${why}). Nothing was saved; try again in a few minutes.`,
    ),
    retryable: true,
  }),
  tenantNotFound: (tenant: string) =>
    appError(
      "provider_tenant_not_found",
      `tenant: Microsoft knows no directory "${tenant}". Give the directory (tenant) id, a GUID, or its domain such as contoso.onmicrosoft.com, from the Azure portal's Microsoft Entra ID overview.`,
      { field: "tenant" },
    ),
  clientIdNotFound: (clientId: string) =>
    appError(
      "provider_client_id_not_found",
      `clientId: the application ${clientId} is not registered in this directory. Copy the Application (client) id from the app registration in the same tenant.`,
      { field: "clientId" },
    ),
  clientSecretRejected: () =>
    appError(
      "provider_client_secret_rejected",
      "clientSecret: Microsoft refused the client secret (wrong or expired). Create a new client secret in the app registration and give its Value, not its Secret ID.",
      { field: "clientSecret" },
    ),
  credentialsRejected: (why: string) =>
    appError(
      "provider_credentials_rejected",
      `tenant, clientId, clientSecret: Microsoft refused to sign the application in (${why}). Check the three values belong to the same app registration.`,
      { field: "clientSecret" },
    ),
  subscriptionNotFound: (subscriptionId: string) =>
    appError(
      "provider_subscription_not_found",
      `subscriptionId: there is no Azure subscription ${subscriptionId}. Copy the Subscription ID from the Azure portal's Subscriptions page.`,
      { field: "subscriptionId" },
    ),
  subscriptionAccessDenied: (subscriptionId: string) =>
    appError(
      "provider_subscription_access_denied",
      `subscriptionId: the application may not read subscription ${subscriptionId}, or the subscription is in another directory. In the subscription's Access control (IAM), assign the application the Owner role, and check the tenant.`,
      { field: "subscriptionId" },
    ),
  subscriptionDisabled: (subscriptionId: string, state: string) =>
    appError(
      "provider_subscription_disabled",
      `subscriptionId: subscription ${subscriptionId} is ${state} in Azure. Re-enable it in the Azure portal, or give an enabled subscription.`,
      { field: "subscriptionId" },
    ),
  secretUnreadable: (why: string) =>
    appError(
      "provider_secret_unreadable",
      `The stored client secret cannot be read (${why}). Enter the client secret again.`,
      { field: "clientSecret" },
    ),
};

export type ProviderError = ReturnType<(typeof providerErrors)[keyof typeof providerErrors]>;
