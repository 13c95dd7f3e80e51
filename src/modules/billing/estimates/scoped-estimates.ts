import type { Caller, Principal } from "../../tenancy/index.ts";
import { appError, err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Clock } from "../../../platform/clock.ts";
import { add, formatDecimal, roundToMinorUnit, ZERO, type Decimal } from "../engine/index.ts";
import { addMonths } from "../months.ts";
import type { BillingRating } from "../rating/index.ts";
import { estimatesErrors, type EstimatesError } from "./errors.ts";
import { createEstimates, EstimateRequest, type DailyTotal } from "./estimates-service.ts";
import { dayOfMonth, isoDayOf } from "./month-days.ts";

/** What an estimate is asked for: a billing account, an organization, a cost center or a provider. */
export type EstimateScope =
  | { kind: "billing_account"; id: string }
  | { kind: "organization"; id: string }
  | { kind: "cost_center"; id: string }
  | { kind: "provider"; id: string };

/** A connected billing account, as estimates need it. */
export type EstimateAccount = {
  id: string;
  orgId: string;
  costCenterId: string | null;
  alias: string;
  /** ISO 4217, from the account's country; null when the country has no known currency. */
  currency: string | null;
};

/** The Azure subscriptions and tenants a provider's usage comes from, and the account that pays for it. */
export type ProviderUsage = {
  providerId: string;
  orgId: string;
  costCenterId: string;
  billingAccountId: string;
  subscriptionIds: ReadonlySet<string>;
};

export type ScopedEstimatesDeps = {
  rating: Pick<BillingRating, "rateMonth" | "rateSnapshots">;
  clock: Clock;
  /** A connected billing account by id, or by alias (case-insensitive). */
  account(idOrAlias: { id: string } | { alias: string }): Promise<EstimateAccount | null>;
  accountsOfOrg(orgId: string): Promise<EstimateAccount[]>;
  /** The organization of a cost center the caller can see, or null. */
  costCenterOrg(caller: Caller, costCenterId: string): Promise<string | null>;
  /** Every provider with a billing account, with its subscriptions (one for a new customer, each of a migrated tenant's). */
  providers(orgId?: string): Promise<ProviderUsage[]>;
  providerOrg(providerId: string): Promise<{ orgId: string; costCenterId: string } | null>;
};

/** An estimate in one currency: amounts rounded to its minor unit for people, exact for programs. */
export type CurrencyEstimate = {
  currency: string;
  method: string;
  daysSampled: number;
  completeThrough: number;
  mtd: string;
  eom: string;
  low: string;
  high: string;
  /** The seeds' simple proration (MTD × days in month ÷ days elapsed), to compare with. */
  prorationEom: string;
  exact: { mtd: string; eom: string };
};

export type ScopeEstimate = {
  scope: EstimateScope;
  month: string;
  asOf: string;
  latencyDays: number;
  /** One per currency the scope is billed in; none when it has no billing account. */
  estimates: CurrencyEstimate[];
};

export type ScopedEstimatesError =
  | EstimatesError
  | (AppError & { code: "forbidden" })
  | (AppError & { code: "not_found"; details: { kind: string; id: string } })
  | (AppError & { code: "estimate_unavailable"; details: { reason: string } });

const notFound = (kind: string, id: string): ScopedEstimatesError => ({
  ...appError("not_found", `No ${kind.replace("_", " ")} ${id} is visible to you.`),
  code: "not_found",
  details: { kind, id },
});
const unavailable = (reason: string): ScopedEstimatesError => ({
  ...appError("estimate_unavailable", `${reason} No estimate can be made until that is put right.`),
  code: "estimate_unavailable",
  details: { reason },
});
const forbidden = (what: string): ScopedEstimatesError => ({
  ...appError(
    "forbidden",
    `Estimates of ${what} are shown to its organization's administrators, the administrators of its cost center, and the partner's operators.`,
  ),
  code: "forbidden",
});

/** One series to estimate: the usage some accounts bill, all in one currency, optionally only some subscriptions. */
type Series = { accountIds: string[]; subscriptions: ReadonlySet<string> | null };

const isOrgAdmin = (p: Principal, orgId: string) =>
  p.isOperator || (p.orgId === orgId && p.orgRole === "admin");
const administersCostCenter = (p: Principal, orgId: string, costCenterId: string | null) =>
  isOrgAdmin(p, orgId) ||
  (costCenterId !== null && p.orgId === orgId && p.costCenterAdminOf.has(costCenterId));

/**
 * Month-end estimates of the product's scopes, from the rated usage (the customer's price, in each billing account's
 * currency). A scope billed in two currencies gets two estimates: amounts of different currencies are never added.
 */
export function createScopedEstimates(deps: ScopedEstimatesDeps) {
  async function dailyTotals(series: Series, month: string): Promise<DailyTotal[]> {
    const byDay = new Map<string, Decimal>();
    for (const accountId of series.accountIds) {
      const rated = await deps.rating.rateMonth({ billingAccountId: accountId, month });
      if (!rated.ok) throw new EstimateUnavailable(rated.error.message);
      if (series.subscriptions === null) {
        for (const d of rated.value.days)
          byDay.set(d.usageDate, add(byDay.get(d.usageDate) ?? ZERO, d.customerPrice));
        continue;
      }
      const rows = deps.rating.rateSnapshots({
        billingAccountId: accountId,
        snapshotIds: rated.value.days.map((d) => d.snapshotId),
        month,
      });
      for await (const r of rows)
        if (series.subscriptions.has(r.row.entitlementId.toLowerCase()))
          byDay.set(r.row.usageDate, add(byDay.get(r.row.usageDate) ?? ZERO, r.customerPrice));
    }
    return [...byDay].map(([day, amount]) => ({ day, amount }));
  }

  const estimates = createEstimates<Series>({
    clock: deps.clock,
    dailyTotals,
    async history(series, month) {
      const earlier = [addMonths(month, -2), addMonths(month, -1)];
      return (await Promise.all(earlier.map((m) => dailyTotals(series, m)))).flat();
    },
  });

  /** The series of a scope, grouped by currency, or why the caller may not see it. */
  async function seriesOf(
    caller: Caller,
    scope: EstimateScope,
  ): Promise<
    Result<{ accounts: EstimateAccount[]; subscriptions: ReadonlySet<string> | null }, ScopedEstimatesError>
  > {
    const p = caller.principal;
    switch (scope.kind) {
      case "billing_account": {
        const account = await deps.account({ id: scope.id });
        if (!account || !(p.isOperator || p.orgId === account.orgId))
          return err(notFound(scope.kind, scope.id));
        if (!administersCostCenter(p, account.orgId, account.costCenterId))
          return err(forbidden("a billing account"));
        return ok({ accounts: [account], subscriptions: null });
      }
      case "organization": {
        if (!(p.isOperator || p.orgId === scope.id)) return err(notFound(scope.kind, scope.id));
        if (!isOrgAdmin(p, scope.id)) return err(forbidden("an organization"));
        return ok({ accounts: await deps.accountsOfOrg(scope.id), subscriptions: null });
      }
      case "cost_center": {
        const orgId = await deps.costCenterOrg(caller, scope.id);
        if (!orgId || !(p.isOperator || p.orgId === orgId)) return err(notFound(scope.kind, scope.id));
        if (!administersCostCenter(p, orgId, scope.id)) return err(forbidden("a cost center"));
        const providers = (await deps.providers(orgId)).filter((u) => u.costCenterId === scope.id);
        return ok(await accountsAndSubscriptions(providers));
      }
      case "provider": {
        const owner = await deps.providerOrg(scope.id);
        if (!owner || !(p.isOperator || p.orgId === owner.orgId)) return err(notFound(scope.kind, scope.id));
        if (!administersCostCenter(p, owner.orgId, owner.costCenterId)) return err(forbidden("a provider"));
        const providers = (await deps.providers(owner.orgId)).filter((u) => u.providerId === scope.id);
        return ok(await accountsAndSubscriptions(providers));
      }
    }
  }

  async function accountsAndSubscriptions(providers: ProviderUsage[]) {
    const accounts: EstimateAccount[] = [];
    for (const id of new Set(providers.map((u) => u.billingAccountId))) {
      const account = await deps.account({ id });
      if (account) accounts.push(account);
    }
    const subscriptions = new Set(
      providers.flatMap((u) => [...u.subscriptionIds].map((s) => s.toLowerCase())),
    );
    return { accounts, subscriptions };
  }

  async function estimate(
    caller: Caller,
    scope: EstimateScope,
    request: EstimateRequest = {},
  ): Promise<Result<ScopeEstimate, ScopedEstimatesError>> {
    const checked = EstimateRequest.safeParse(request);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return err(estimatesErrors.requestInvalid(issue?.path.join(".") ?? "request", issue?.message ?? ""));
    }
    const found = await seriesOf(caller, scope);
    if (!found.ok) return found;
    const byCurrency = new Map<string, string[]>();
    for (const a of found.value.accounts) {
      if (a.currency === null)
        return err(unavailable(`The country of billing account ${a.alias} has no known currency.`));
      byCurrency.set(a.currency, [...(byCurrency.get(a.currency) ?? []), a.id]);
    }
    const asOf = request.asOf ?? deps.clock.now().toISOString().slice(0, 10);
    const month =
      request.month ?? isoDayOf(asOf.slice(0, 7), dayOfMonth(asOf.slice(0, 7), asOf) - 1).slice(0, 7);
    const out: CurrencyEstimate[] = [];
    let latencyDays = request.latencyDays ?? 2;
    for (const [currency, accountIds] of [...byCurrency].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const series: Series = { accountIds, subscriptions: found.value.subscriptions };
      let result;
      try {
        result = await estimates.estimateOf(series, { ...request, month, asOf });
      } catch (e) {
        if (e instanceof EstimateUnavailable) return err(unavailable(e.message));
        throw e;
      }
      if (!result.ok) return result;
      const e = result.value;
      latencyDays = e.latencyDays;
      const prorated = await estimates.estimateOf(series, { ...request, month, asOf, method: "proration" });
      const round = (d: Decimal) => formatDecimal(roundToMinorUnit(d, currency));
      out.push({
        currency,
        method: e.method,
        daysSampled: e.daysSampled,
        completeThrough: e.completeThrough,
        mtd: round(e.mtd),
        eom: round(e.eom),
        low: round(e.low),
        high: round(e.high),
        prorationEom: prorated.ok ? round(prorated.value.eom) : round(e.mtd),
        exact: { mtd: formatDecimal(e.mtd), eom: formatDecimal(e.eom) },
      });
    }
    return ok({ scope, month, asOf, latencyDays, estimates: out });
  }

  return {
    estimate,
    /**
     * The seeds' `GET /accounts/{alias}/azure/billingestimate`: month to date and the seeds' proration to month end
     * of the connected billing account with that alias, in its currency, rounded to its minor unit.
     */
    async billingEstimate(
      caller: Caller,
      alias: string,
    ): Promise<Result<{ mtdEstimate: string; eomEstimate: string; currency: string }, ScopedEstimatesError>> {
      const account = await deps.account({ alias });
      if (!account) return err(notFound("billing_account", alias.toUpperCase()));
      const e = await estimate(caller, { kind: "billing_account", id: account.id }, { method: "proration" });
      if (!e.ok) return e;
      const [first] = e.value.estimates;
      if (!first)
        return err(unavailable(`The country of billing account ${account.alias} has no known currency.`));
      return ok({ mtdEstimate: first.mtd, eomEstimate: first.eom, currency: first.currency });
    },
  };
}

class EstimateUnavailable extends Error {}

export type ScopedEstimates = ReturnType<typeof createScopedEstimates>;
