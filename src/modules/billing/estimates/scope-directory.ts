import type { Caller } from "../../tenancy/index.ts";
import { currencyOfCountry } from "../rating/index.ts";
import type { EstimateAccount, ProviderUsage, ScopedEstimatesDeps } from "./scoped-estimates.ts";

type Directory = Omit<ScopedEstimatesDeps, "rating" | "clock">;

type AccountFacts = {
  id: string;
  orgId: string;
  costCenterId: string | null;
  alias: string;
  country: string;
};

const toAccount = (a: AccountFacts): EstimateAccount => ({
  id: a.id,
  orgId: a.orgId,
  costCenterId: a.costCenterId,
  alias: a.alias,
  currency: currencyOfCountry(a.country) ?? null,
});

/**
 * Where the scopes of estimates are read, through the other modules' faces: connected billing accounts, cost
 * centers, and the providers that bill an account with the Azure subscriptions their usage comes from (those
 * onboarding manages for a migrated tenant's, besides the provider's own).
 */
export function scopeDirectory(deps: {
  accountOf(id: string): Promise<AccountFacts | null>;
  connectedAccounts(filter: { orgId: string } | { alias: string }): Promise<AccountFacts[]>;
  costCenterOrg(caller: Caller, costCenterId: string): Promise<string | null>;
  billedProviders(): Promise<
    readonly {
      id: string;
      orgId: string;
      costCenterId: string;
      billingAccountId: string;
      subscriptionId: string | null;
    }[]
  >;
  managedSubscriptions(): Promise<readonly { providerId: string; subscriptionId: string }[]>;
}): Directory {
  async function providers(): Promise<ProviderUsage[]> {
    const [billed, managed] = await Promise.all([deps.billedProviders(), deps.managedSubscriptions()]);
    return billed.map((p) => ({
      providerId: p.id,
      orgId: p.orgId,
      costCenterId: p.costCenterId,
      billingAccountId: p.billingAccountId,
      subscriptionIds: new Set(
        [
          p.subscriptionId,
          ...managed.filter((m) => m.providerId === p.id).map((m) => m.subscriptionId),
        ].flatMap((s) => (s ? [s.toLowerCase()] : [])),
      ),
    }));
  }
  return {
    async account(which) {
      if ("id" in which) {
        const a = await deps.accountOf(which.id);
        return a ? toAccount(a) : null;
      }
      const [a] = await deps.connectedAccounts({ alias: which.alias });
      return a ? toAccount(a) : null;
    },
    accountsOfOrg: async (orgId) => (await deps.connectedAccounts({ orgId })).map(toAccount),
    costCenterOrg: (caller, costCenterId) => deps.costCenterOrg(caller, costCenterId),
    providers: async (orgId) => (await providers()).filter((p) => orgId === undefined || p.orgId === orgId),
    async providerOrg(providerId) {
      const p = (await providers()).find((u) => u.providerId === providerId);
      return p ? { orgId: p.orgId, costCenterId: p.costCenterId } : null;
    },
  };
}
