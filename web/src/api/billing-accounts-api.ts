import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { BillingAccount, Discovery, EligibilityCheck, Page } from "./types.ts";

export type ConnectInput = { ticket: string; accountAlias: string; costCenterId?: string };

const org = (orgId: string) => `/organizations/${encodeURIComponent(orgId)}/billing-accounts`;
const one = (id: string) => `/billing-accounts/${encodeURIComponent(id)}`;

/** Partner-cloud accounts connected to an organization: discover with credentials, connect, check, disconnect. */
export function billingAccountsApi(http: HttpClient) {
  return {
    list: (orgId: string) =>
      allPages((cursor) => http.get<Page<BillingAccount>>(org(orgId), { limit: 200, cursor })),
    get: (id: string) => http.get<BillingAccount>(one(id)),
    /** Signs in to the partner cloud once; the password is not kept by the console or the server. */
    discover: (orgId: string, userName: string, password: string) =>
      http.post<Discovery>(`${org(orgId)}/discover`, { userName, password }),
    connect: (orgId: string, input: ConnectInput) => http.post<BillingAccount>(org(orgId), input),
    checkEligibility: (id: string) => http.post<EligibilityCheck>(`${one(id)}/eligibility-checks`),
    disconnect: (id: string) => http.delete<null>(one(id)),
  };
}
