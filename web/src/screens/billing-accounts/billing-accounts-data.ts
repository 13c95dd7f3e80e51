import type { ApiClient } from "../../api/api-client.ts";
import type { BillingAccount, CurrentTerms } from "../../api/types.ts";
import { termsStatusOf, type TermsStatus } from "./terms-status.ts";

export type BillingAccountRow = { account: BillingAccount; terms: TermsStatus };

export type BillingAccountsData = { rows: BillingAccountRow[]; terms: CurrentTerms };

/** The connected billing accounts the caller administers, each with where its terms acceptance stands. */
export async function loadBillingAccounts(api: ApiClient, orgId: string): Promise<BillingAccountsData> {
  const [accounts, terms] = await Promise.all([api.billingAccounts.list(orgId), api.terms.current()]);
  const rows = await Promise.all(
    accounts.map(async (account) => ({
      account,
      terms: termsStatusOf(terms, await api.terms.acceptances(account.id)),
    })),
  );
  return { rows, terms };
}

const regions = new Intl.DisplayNames(undefined, { type: "region" });

/** "United Kingdom (GB)": the country's name in the reader's language, with the code the API uses. */
export function countryName(code: string): string {
  try {
    const name = regions.of(code.toUpperCase());
    return name && name !== code ? `${name} (${code.toUpperCase()})` : code;
  } catch {
    return code;
  }
}
