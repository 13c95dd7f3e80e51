import { z } from "zod";
import type { ArmError, AzureResources } from "../../integrations/arm/index.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { providerErrors, type ProviderError } from "./errors.ts";

/** Azure Resource Manager acting with a customer's own application: how option 1 checks what it is given. */
export type CustomerAzure = (credentials: {
  tenant: string;
  clientId: string;
  clientSecret: string;
}) => AzureResources;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The credentials of option 1 (product inventory §2.2): each message names the field and where to find it. */
export const ExistingAccountCredentials = z.object({
  tenant: z
    .string({ error: "tenant is required: give the directory (tenant) id or its domain" })
    .trim()
    .refine(
      (v) => GUID.test(v) || DOMAIN.test(v),
      "tenant must be a directory (tenant) id such as 72f988bf-86f1-41af-91ab-2d7cd011db47 or a domain such as contoso.onmicrosoft.com",
    ),
  subscriptionId: z
    .string({ error: "subscriptionId is required: copy it from the Azure portal's Subscriptions page" })
    .trim()
    .regex(
      GUID,
      "subscriptionId must be a GUID such as 00000000-0000-0000-0000-000000000000 (the Subscription ID)",
    ),
  clientId: z
    .string({ error: "clientId is required: the Application (client) id of the app registration" })
    .trim()
    .regex(
      GUID,
      "clientId must be the Application (client) id, a GUID, from the app registration's overview",
    ),
  clientSecret: z
    .string({ error: "clientSecret is required: the Value of a client secret of the app registration" })
    .min(1, "clientSecret must not be empty: give the Value of a client secret")
    .max(1024, "clientSecret must be at most 1024 characters: give the secret's Value, not a file"),
});

export type ExistingAccountCredentials = z.infer<typeof ExistingAccountCredentials>;

/** What a successful check learned about the subscription. */
export type ValidatedAccount = {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly subscriptionName: string;
};

/** Azure's refusals, told as the field the user must fix. */
function explain(e: ArmError, c: ExistingAccountCredentials): ProviderError {
  switch (e.code) {
    case "azure_sign_in_failed":
      switch (e.details.entraCode) {
        case "entra_unknown_tenant":
          return providerErrors.tenantNotFound(c.tenant);
        case "entra_app_not_in_tenant":
          return providerErrors.clientIdNotFound(c.clientId);
        case "entra_bad_client_secret":
          return providerErrors.clientSecretRejected();
        default:
          return providerErrors.credentialsRejected(e.details.entraCode ?? e.details.microsoftCode ?? "401");
      }
    case "azure_not_found":
    case "azure_request_rejected":
      return providerErrors.subscriptionNotFound(c.subscriptionId);
    case "azure_forbidden":
    case "azure_policy_denied":
    case "azure_assignment_conflict":
      return providerErrors.subscriptionAccessDenied(c.subscriptionId);
    case "azure_throttled":
    case "azure_unavailable":
      return providerErrors.unavailable(e.details.microsoftCode ?? e.code);
  }
}

/**
 * Checks option 1's credentials live: a token with the customer's own application, then a read of the subscription.
 * One read, no change in Azure.
 */
export async function validateExistingAccount(
  customerAzure: CustomerAzure,
  c: ExistingAccountCredentials,
): Promise<Result<ValidatedAccount, ProviderError>> {
  const read = await customerAzure(c).subscription(c.subscriptionId);
  if (!read.ok) return err(explain(read.error, c));
  const s = read.value;
  if (s.state === "Disabled" || s.state === "Deleted")
    return err(providerErrors.subscriptionDisabled(c.subscriptionId, s.state));
  return ok({ tenantId: s.tenantId, subscriptionId: s.subscriptionId, subscriptionName: s.displayName });
}
