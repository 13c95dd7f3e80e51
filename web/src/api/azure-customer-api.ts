import { ApiError } from "./api-error.ts";
import type { HttpClient } from "./http-client.ts";
import type { AzureCredentials, AzureCustomer } from "./types.ts";

const of = (orgId: string) => `/organizations/${encodeURIComponent(orgId)}/azure-customer`;

/** The organization's Azure customer (one per organization), created by its first "new customer" provider. */
export function azureCustomerApi(http: HttpClient) {
  return {
    /** The customer, or null while the organization has none yet. */
    async get(orgId: string): Promise<AzureCustomer | null> {
      try {
        return await http.get<AzureCustomer>(of(orgId));
      } catch (e) {
        if (e instanceof ApiError && e.code === "azure_customer_not_found") return null;
        throw e;
      }
    },
    /** The Azure administrator's sign-in, shown once; the caller confirms with their own console password. */
    revealCredentials: (orgId: string, password: string) =>
      http.post<AzureCredentials>(`${of(orgId)}/credentials/reveal`, { password }),
  };
}
