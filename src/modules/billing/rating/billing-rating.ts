import { sql } from "drizzle-orm";
import { err, ok, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import {
  add,
  formatDecimal,
  multiply,
  normalize,
  parseDecimal,
  ZERO,
  type Decimal,
  type PricePlanError,
} from "../engine/index.ts";
import { usageAssignments } from "../tables.ts";
import { currencyOfCountry } from "./country-currencies.ts";
import type { BillingRatingDeps } from "./deps.ts";
import { BillingRatingFailure, billingRatingErrors, type BillingRatingError } from "./errors.ts";
import { pricePlanOf, storedPlanOf, type PricePlanInput, type RatingPlan } from "./plan.ts";
import { markupFactors, partnerRates, rateKey, rateRow, type AppliedRate } from "./rate-row.ts";
import { loadRouter, type BillingRoute, type Router } from "./routing.ts";
import { monthStates, rowsOf, snapshotParts, type SnapshotPart, type UsageRowRecord } from "./usage-query.ts";

/** One customer's day of usage routed to one billing account, in the account's currency, exact and unrounded. */
export type RatedDay = {
  customerId: string;
  customerName: string;
  /** YYYY-MM-DD */
  usageDate: string;
  snapshotId: number;
  billed: boolean;
  rowCount: number;
  listPrice: Decimal;
  partnerCost: Decimal;
  customerPrice: Decimal;
  customerPriceByClass: { iaas: Decimal; saas: Decimal };
  exchangeRates: AppliedRate[];
};

export type RatedMonth = {
  route: BillingRoute;
  month: string;
  plan: RatingPlan;
  /** One per (customer, usage day) routed to the account, from the current snapshot versions. */
  days: RatedDay[];
  /** Every customer of the month has usage_months state final (Microsoft's invoice covers it). */
  final: boolean;
};

/** One row of the detail, rated. */
export type RatedUsageRow = {
  row: UsageRowRecord;
  listPrice: Decimal;
  partnerCost: Decimal;
  customerPrice: Decimal;
  serviceClass: "iaas" | "saas";
  exchangeRate: AppliedRate;
};

/** Usage of a month that no billing account takes: an operator assigns it. */
export type UnassignedUsage = {
  customerId: string;
  customerName: string;
  rows: number;
  /** UnitPrice × Quantity, in `currency` (the pricing currency), exact. */
  listPrice: string;
  currency: string;
  /** The account a rule names when it is not connected (any more); null when no rule names one. */
  billingAccountId: string | null;
};

export type UsageAssignment = {
  customerId: string;
  billingAccountId: string;
  assignedBy: string;
  assignedAt: Date;
};

type Rateable = { route: BillingRoute; router: Router };

/** Rating of the usage that is billed to billing accounts: routing, price plans and exchange rates applied. */
export function createBillingRating(deps: BillingRatingDeps) {
  const { db } = deps;

  async function rateable(
    billingAccountId: string,
    router?: Router,
  ): Promise<Result<Rateable, BillingRatingError>> {
    const r = router ?? (await loadRouter(deps));
    const account = await r.accountOf(billingAccountId);
    if (!account) return err(billingRatingErrors.billingAccountNotFound(billingAccountId));
    const currency = currencyOfCountry(account.country);
    if (!currency) return err(billingRatingErrors.currencyUnknown(billingAccountId, account.country));
    return ok({
      router: r,
      route: {
        billingAccountId: account.id,
        orgId: account.orgId,
        costCenterId: account.costCenterId,
        alias: account.alias,
        currency,
      },
    });
  }

  const routedTo =
    (router: Router, billingAccountId: string) => (customerId: string, entitlementId: string) =>
      router.accountIdOf(customerId, entitlementId)?.billingAccountId === billingAccountId;

  async function planFor(
    orgId: string,
    month: string,
    given: (PricePlanInput & { effectiveFrom?: string | null }) | undefined,
  ) {
    const stored = given ?? (await storedPlanOf(db, orgId, month));
    const built = pricePlanOf(stored);
    if (!built.ok) return built;
    return ok({
      engine: built.value.plan,
      plan: { ...built.value.normalized, effectiveFrom: stored.effectiveFrom ?? null },
    });
  }

  async function rateMonth(input: {
    billingAccountId: string;
    month: string;
    plan?: PricePlanInput & { effectiveFrom?: string | null };
  }): Promise<Result<RatedMonth, BillingRatingError | PricePlanError>> {
    const found = await rateable(input.billingAccountId);
    if (!found.ok) return found;
    const { route, router } = found.value;
    const plan = await planFor(route.orgId, input.month, input.plan);
    if (!plan.ok) return plan;
    const mine = routedTo(router, route.billingAccountId);
    const parts = (await snapshotParts(db, input.month)).filter((p) => mine(p.customerId, p.entitlementId));
    type Day = Omit<RatedDay, "exchangeRates"> & { rates: Map<string, AppliedRate> };
    const days = new Map<number, Day>();
    for (const p of parts) {
      const day = days.get(p.snapshotId);
      if (day) day.rowCount += p.rows;
      else
        days.set(p.snapshotId, {
          customerId: p.customerId,
          customerName: p.customerName,
          usageDate: p.usageDate,
          snapshotId: p.snapshotId,
          billed: p.billed,
          rowCount: p.rows,
          listPrice: ZERO,
          partnerCost: ZERO,
          customerPrice: ZERO,
          customerPriceByClass: { iaas: ZERO, saas: ZERO },
          rates: new Map(),
        });
    }
    const ratesOf = partnerRates(db, route.currency);
    const factorOf = markupFactors(plan.value.engine);
    const partner = await ratesOf(input.month);
    for await (const row of rowsOf(db, [...days.keys()])) {
      const day = days.get(row.snapshotId);
      if (!day || !mine(row.customerId, row.entitlementId)) continue;
      const rated = rateRow(row, route.currency, partner, factorOf);
      if (!rated.ok) return rated;
      const r = rated.value;
      day.listPrice = add(day.listPrice, r.listPrice);
      day.partnerCost = add(day.partnerCost, r.partnerCost);
      day.customerPrice = add(day.customerPrice, r.customerPrice);
      day.customerPriceByClass[r.serviceClass] = add(
        day.customerPriceByClass[r.serviceClass],
        r.customerPrice,
      );
      day.rates.set(rateKey(r.exchangeRate), r.exchangeRate);
    }
    const rated = [...days.values()]
      .map(({ rates, ...d }): RatedDay => ({
        ...d,
        listPrice: normalize(d.listPrice),
        partnerCost: normalize(d.partnerCost),
        customerPrice: normalize(d.customerPrice),
        customerPriceByClass: {
          iaas: normalize(d.customerPriceByClass.iaas),
          saas: normalize(d.customerPriceByClass.saas),
        },
        exchangeRates: [...rates.values()],
      }))
      .sort((a, b) => compareText(a.customerId, b.customerId) || compareText(a.usageDate, b.usageDate));
    const customers = [...new Set(rated.map((d) => d.customerId))];
    const states = await monthStates(db, input.month, customers);
    return ok({
      route,
      month: input.month,
      plan: plan.value.plan,
      days: rated,
      final: customers.every((c) => states.get(c) === "final"),
    });
  }

  /**
   * The rows of some snapshots that bill the account, each rated as `rateMonth` rates it (the org's plan of the
   * month). Throws `BillingRatingFailure` with `billing_account_not_found` or `exchange_rate_missing`, the errors
   * `rateMonth` returns for the same usage.
   */
  async function* rateSnapshots(input: {
    billingAccountId: string;
    snapshotIds: number[];
    month: string;
  }): AsyncGenerator<RatedUsageRow> {
    const found = await rateable(input.billingAccountId);
    if (!found.ok) throw new BillingRatingFailure(found.error);
    const { route, router } = found.value;
    const plan = await planFor(route.orgId, input.month, undefined);
    if (!plan.ok)
      throw new Error(`The stored price plan of ${route.orgId} is not valid: ${plan.error.message}`);
    const mine = routedTo(router, route.billingAccountId);
    const ratesOf = partnerRates(db, route.currency);
    const factorOf = markupFactors(plan.value.engine);
    for await (const row of rowsOf(db, input.snapshotIds)) {
      if (!mine(row.customerId, row.entitlementId)) continue;
      const rated = rateRow(row, route.currency, await ratesOf(row.usageDate.slice(0, 7)), factorOf);
      if (!rated.ok) throw new BillingRatingFailure(rated.error);
      yield { row, ...rated.value };
    }
  }

  async function billingAccountsWithUsage(month: string): Promise<BillingRoute[]> {
    const router = await loadRouter(deps);
    const ids = new Set<string>();
    for (const p of await snapshotParts(db, month)) {
      const to = router.accountIdOf(p.customerId, p.entitlementId);
      if (to) ids.add(to.billingAccountId);
    }
    const routes = await Promise.all([...ids].map((id) => router.routeOfAccount(id)));
    return routes
      .filter((r): r is BillingRoute => r !== null)
      .sort((a, b) => compareText(a.billingAccountId, b.billingAccountId));
  }

  async function unassignedUsage(month: string): Promise<UnassignedUsage[]> {
    const router = await loadRouter(deps);
    const unrouted = async (p: Pick<SnapshotPart, "customerId" | "entitlementId">) => {
      const to = router.accountIdOf(p.customerId, p.entitlementId);
      if (!to) return { unassigned: true, billingAccountId: null };
      return { unassigned: (await router.routeOfAccount(to.billingAccountId)) === null, ...to };
    };
    const parts: SnapshotPart[] = [];
    for (const p of await snapshotParts(db, month)) if ((await unrouted(p)).unassigned) parts.push(p);
    const byKey = new Map<string, UnassignedUsage & { sum: Decimal }>();
    for await (const row of rowsOf(
      db,
      parts.map((p) => p.snapshotId),
    )) {
      const why = await unrouted(row);
      if (!why.unassigned) continue;
      const key = `${row.customerId}\u0000${row.pricingCurrency}`;
      const entry = byKey.get(key) ?? {
        customerId: row.customerId,
        customerName: row.customerName,
        rows: 0,
        listPrice: "0",
        currency: row.pricingCurrency,
        billingAccountId: why.billingAccountId,
        sum: ZERO,
      };
      entry.rows++;
      entry.sum = add(entry.sum, multiply(decimalOf(row.unitPrice), decimalOf(row.quantity)));
      byKey.set(key, entry);
    }
    return [...byKey.values()]
      .map(({ sum, ...u }) => ({ ...u, listPrice: formatDecimal(normalize(sum)) }))
      .sort((a, b) => compareText(a.customerId, b.customerId) || compareText(a.currency, b.currency));
  }

  /** Operators: bill a customer's usage to a billing account, whatever onboarding recorded. */
  async function assignUsage(
    caller: Caller,
    customerId: string,
    billingAccountId: string,
  ): Promise<Result<UsageAssignment, BillingRatingError>> {
    if (!caller.principal.isOperator) return err(billingRatingErrors.forbidden());
    const account = await deps.billingAccounts.accountOf(billingAccountId);
    if (!account) return err(billingRatingErrors.billingAccountNotFound(billingAccountId));
    const assignment = {
      customerId: customerId.trim().toLowerCase(),
      billingAccountId,
      assignedBy: caller.principal.userId,
      assignedAt: deps.clock.now(),
    };
    await db.transaction(async (tx) => {
      await tx
        .insert(usageAssignments)
        .values(assignment)
        .onConflictDoUpdate({
          target: usageAssignments.customerId,
          set: {
            billingAccountId: sql`excluded.billing_account_id`,
            assignedBy: sql`excluded.assigned_by`,
            assignedAt: sql`excluded.assigned_at`,
          },
        });
      await deps.audit.record(tx, caller.actor, {
        orgId: account.orgId,
        costCenterId: account.costCenterId,
        action: "billing.usage_assigned",
        targetType: "billing_account",
        targetId: billingAccountId,
        details: { customerId: assignment.customerId },
      });
    });
    return ok(assignment);
  }

  return {
    rateMonth,
    rateSnapshots,
    async routeOf(customerId: string, entitlementId: string): Promise<BillingRoute | null> {
      const router = await loadRouter(deps);
      const to = router.accountIdOf(customerId, entitlementId);
      return to ? router.routeOfAccount(to.billingAccountId) : null;
    },
    billingAccountsWithUsage,
    unassignedUsage,
    /** Operators: the month's usage that no billing account takes. */
    async unassignedUsageFor(
      caller: Caller,
      month: string,
    ): Promise<Result<UnassignedUsage[], BillingRatingError>> {
      if (!caller.principal.isOperator) return err(billingRatingErrors.forbidden());
      return ok(await unassignedUsage(month));
    },
    assignUsage,
    /** The organization's price plan of a month (latest effective_from ≤ month; none → 0 %). */
    planOf: (orgId: string, month: string) => storedPlanOf(db, orgId, month),
  };
}

export type BillingRating = ReturnType<typeof createBillingRating>;

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function decimalOf(text: string): Decimal {
  const value = parseDecimal(text);
  if (!value) throw new Error(`A stored usage row has the amount "${text}", which is not a decimal.`);
  return value;
}
