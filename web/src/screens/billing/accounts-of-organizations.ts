import type { ApiClient } from "../../api/api-client.ts";
import type { BillingAccount } from "../../api/types.ts";

export type AccountChoice = { account: BillingAccount; organization: string };

/** Operators: every organization's connected billing accounts, organization by organization, for pickers. */
export async function accountsOfOrganizations(api: ApiClient): Promise<AccountChoice[]> {
  const organizations = await api.organizations.list();
  const lists = await Promise.all(
    organizations.map(async (o) =>
      (await api.billingAccounts.list(o.id)).map((account) => ({ account, organization: o.name })),
    ),
  );
  return lists.flat();
}
