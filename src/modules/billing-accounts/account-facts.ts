import type { PartnerCloudAccount } from "../../integrations/partner-cloud/index.ts";
import type { AccountFacts } from "./tables.ts";

/**
 * The facts of each account, with `parentReseller` worked out from the accounts above it in the same list (a
 * customer of a reseller's customer is still the reseller's). An ancestor outside the list counts as no reseller:
 * the partner cloud lists the signed-in user's account and everything below it.
 */
export function factsOf(accounts: readonly PartnerCloudAccount[]): AccountFacts[] {
  const byAlias = new Map(accounts.map((a) => [a.alias, a]));
  const underReseller = (a: PartnerCloudAccount): boolean => {
    const seen = new Set<string>([a.alias]);
    for (let up = a.parentAlias ? byAlias.get(a.parentAlias) : undefined; up;) {
      if (up.reseller) return true;
      if (seen.has(up.alias) || !up.parentAlias) return false;
      seen.add(up.alias);
      up = byAlias.get(up.parentAlias);
    }
    return false;
  };
  return accounts.map((a) => ({
    alias: a.alias,
    name: a.name,
    country: a.country.toUpperCase(),
    status: a.status,
    demo: a.demo,
    internal: a.internal,
    reseller: a.reseller,
    parentAlias: a.parentAlias,
    parentReseller: underReseller(a),
  }));
}
