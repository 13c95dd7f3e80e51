import { and, asc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../../platform/db/types.ts";
import { billingAccounts } from "../../billing-accounts/tables.ts";
import { providers } from "../../providers/tables.ts";
import { costCenters } from "../../tenancy/tables.ts";
import { currencyOfCountry } from "../rating/index.ts";
import type { EstimateAccount, ProviderUsage, ScopedEstimatesDeps } from "./scoped-estimates.ts";

type Directory = Omit<ScopedEstimatesDeps, "rating" | "clock">;

const connected = isNull(billingAccounts.disconnectedAt);

const accountColumns = {
  id: billingAccounts.id,
  orgId: billingAccounts.orgId,
  costCenterId: billingAccounts.costCenterId,
  alias: billingAccounts.alias,
  country: billingAccounts.country,
};

const toAccount = (a: {
  id: string;
  orgId: string;
  costCenterId: string | null;
  alias: string;
  country: string;
}) =>
  ({
    id: a.id,
    orgId: a.orgId,
    costCenterId: a.costCenterId,
    alias: a.alias,
    currency: currencyOfCountry(a.country) ?? null,
  }) satisfies EstimateAccount;

/**
 * Where the scopes of estimates are read: connected billing accounts, cost centers, and the providers that bill to an
 * account with the Azure subscriptions their usage comes from (`managedSubscriptions` for a migrated tenant's).
 */
export function scopeDirectory(deps: {
  db: Db;
  managedSubscriptions(): Promise<readonly { providerId: string; subscriptionId: string }[]>;
}): Directory {
  const { db } = deps;
  return {
    async account(which) {
      const [a] = await db
        .select(accountColumns)
        .from(billingAccounts)
        .where(
          and(
            connected,
            "id" in which
              ? eq(billingAccounts.id, which.id)
              : eq(sql`upper(${billingAccounts.alias})`, which.alias.toUpperCase()),
          ),
        )
        .limit(1);
      return a ? toAccount(a) : null;
    },
    async accountsOfOrg(orgId) {
      const rows = await db
        .select(accountColumns)
        .from(billingAccounts)
        .where(and(connected, eq(billingAccounts.orgId, orgId)))
        .orderBy(asc(billingAccounts.id));
      return rows.map(toAccount);
    },
    async costCenterOrg(costCenterId) {
      const [c] = await db
        .select({ orgId: costCenters.orgId })
        .from(costCenters)
        .where(eq(costCenters.id, costCenterId))
        .limit(1);
      return c?.orgId ?? null;
    },
    async providers(orgId) {
      const rows = await db
        .select({
          providerId: providers.id,
          orgId: providers.orgId,
          costCenterId: providers.costCenterId,
          billingAccountId: providers.billingAccountId,
          subscriptionId: providers.azureSubscriptionId,
        })
        .from(providers)
        .where(
          and(
            isNull(providers.removedAt),
            isNotNull(providers.billingAccountId),
            orgId ? eq(providers.orgId, orgId) : undefined,
          ),
        );
      const managed = await deps.managedSubscriptions();
      return rows.map((p): ProviderUsage => ({
        providerId: p.providerId,
        orgId: p.orgId,
        costCenterId: p.costCenterId,
        billingAccountId: p.billingAccountId ?? "",
        subscriptionIds: new Set(
          [
            p.subscriptionId,
            ...managed.filter((m) => m.providerId === p.providerId).map((m) => m.subscriptionId),
          ].flatMap((s) => (s ? [s.toLowerCase()] : [])),
        ),
      }));
    },
    async providerOrg(providerId) {
      const [p] = await db
        .select({ orgId: providers.orgId, costCenterId: providers.costCenterId })
        .from(providers)
        .where(and(eq(providers.id, providerId), isNull(providers.removedAt)))
        .limit(1);
      return p ?? null;
    },
  };
}
