import { ok, type AppError, type Result } from "../../../platform/result.ts";
import { add, formatDecimal, roundToMinorUnit, subtract, ZERO, type Decimal } from "../engine/index.ts";
import type { RatedMonth, RatingPlan } from "../rating/index.ts";
import type { BillingPricingDeps } from "./deps.ts";
import type { BillingSettings } from "./settings.ts";

export type AccountPreview = {
  billingAccountId: string;
  alias: string;
  costCenterId: string | null;
  currency: string;
  /** The invoice's total under the plan that applied to the month: its lines, each rounded once, added. */
  currentTotal: string;
  proposedTotal: string;
  /** proposedTotal − currentTotal */
  difference: string;
};

export type PlanPreview = {
  month: string;
  currentPlan: RatingPlan;
  proposedPlan: RatingPlan;
  accounts: AccountPreview[];
};

/**
 * An invoice's total as invoicing makes it: one line per customer (two, IaaS and SaaS, when the policy splits
 * services), each the exact sum of its days rounded once to the currency's minor unit.
 */
export function invoiceTotal(rated: RatedMonth, split: boolean): Decimal {
  const lines = new Map<string, Decimal>();
  const addTo = (key: string, amount: Decimal) => lines.set(key, add(lines.get(key) ?? ZERO, amount));
  for (const day of rated.days) {
    if (split) {
      addTo(`${day.customerId}\u0000iaas`, day.customerPriceByClass.iaas);
      addTo(`${day.customerId}\u0000saas`, day.customerPriceByClass.saas);
    } else addTo(day.customerId, day.customerPrice);
  }
  let total = roundToMinorUnit(ZERO, rated.route.currency);
  for (const line of lines.values()) total = add(total, roundToMinorUnit(line, rated.route.currency));
  return total;
}

export async function previewPlan(
  deps: BillingPricingDeps,
  settings: BillingSettings,
  orgId: string,
  month: string,
  proposedPlan: RatingPlan,
): Promise<Result<PlanPreview, AppError>> {
  const routes = (await deps.rating.billingAccountsWithUsage(month)).filter((r) => r.orgId === orgId);
  const accounts: AccountPreview[] = [];
  for (const route of routes) {
    const current = await deps.rating.rateMonth({ billingAccountId: route.billingAccountId, month });
    if (!current.ok) return current;
    const proposed = await deps.rating.rateMonth({
      billingAccountId: route.billingAccountId,
      month,
      plan: proposedPlan,
    });
    if (!proposed.ok) return proposed;
    const before = invoiceTotal(current.value, settings.splitServices);
    const after = invoiceTotal(proposed.value, settings.splitServices);
    accounts.push({
      billingAccountId: route.billingAccountId,
      alias: route.alias,
      costCenterId: route.costCenterId,
      currency: route.currency,
      currentTotal: formatDecimal(before),
      proposedTotal: formatDecimal(after),
      difference: formatDecimal(subtract(after, before)),
    });
  }
  return ok({ month, currentPlan: await deps.rating.planOf(orgId, month), proposedPlan, accounts });
}
