import { and, desc, eq, lte } from "drizzle-orm";
import type { Db } from "../../../platform/db/types.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import {
  categoryKey,
  createPricePlan,
  formatDecimal,
  normalize,
  parseDecimal,
  type Decimal,
  type PricePlan,
  type PricePlanError,
} from "../engine/index.ts";
import { pricePlans } from "../tables.ts";

/** A price plan as people write it: percentages as decimal text ("12.5", "-7.25"), per meter category if wanted. */
export type PricePlanInput = {
  markupPercent: string;
  categoryMarkups?: Readonly<Record<string, string>>;
};

/** The plan a month was (or would be) rated with; `effectiveFrom` null when the organization has none (0 %). */
export type RatingPlan = {
  effectiveFrom: string | null;
  markupPercent: string;
  categoryMarkups: Record<string, string>;
};

/** Percentages have at most six decimals: enough for any contract, and a plan stays readable. */
const MAX_PERCENT_DECIMALS = 6;

function invalid(field: string, value: string, why: string): PricePlanError {
  return {
    code: "price_plan_invalid",
    message: `${field} ${why}`,
    retryable: false,
    details: { field, value },
  };
}

function percentOf(field: string, text: string): Result<Decimal, PricePlanError> {
  const value = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? parseDecimal(text) : null;
  if (!value)
    return err(
      invalid(field, text, 'is not a percentage: write a decimal number such as "12.5" or "-7.25".'),
    );
  if (normalize(value).scale > MAX_PERCENT_DECIMALS)
    return err(invalid(field, text, `has more than ${MAX_PERCENT_DECIMALS} decimals: round it to 6.`));
  return ok(normalize(value));
}

/**
 * Checks a plan as people write it and builds the engine's plan: the engine refuses a discount beyond 100 % and a
 * nameless category; here, percentages must be plain decimals of at most six decimals, and two names of one meter
 * category (compared without case or extra spaces) are refused rather than one silently winning.
 */
export function pricePlanOf(
  input: PricePlanInput,
): Result<{ plan: PricePlan; normalized: RatingPlan }, PricePlanError> {
  const markup = percentOf("markupPercent", input.markupPercent);
  if (!markup.ok) return markup;
  const byCategory: Record<string, Decimal> = {};
  const seen = new Map<string, string>();
  const categoryMarkups: Record<string, string> = {};
  for (const [category, text] of Object.entries(input.categoryMarkups ?? {})) {
    const field = `categoryMarkups[${category}]`;
    const percent = percentOf(field, text);
    if (!percent.ok) return percent;
    const name = category.trim().replace(/\s+/g, " ");
    const earlier = seen.get(categoryKey(category));
    if (earlier !== undefined && categoryKey(category) !== "")
      return err(
        invalid(field, category, `names the same meter category as "${earlier}": keep one of them.`),
      );
    seen.set(categoryKey(category), category);
    byCategory[name] = percent.value;
    categoryMarkups[name] = formatDecimal(percent.value);
  }
  const plan = createPricePlan({ markupPercent: markup.value, meterCategoryMarkupPercent: byCategory });
  if (!plan.ok) {
    const field = plan.error.details.field.replace(/^meterCategoryMarkupPercent/, "categoryMarkups");
    return err(invalid(field, plan.error.details.value, plan.error.message.replace(/^\S+ /, "")));
  }
  return ok({
    plan: plan.value,
    normalized: { effectiveFrom: null, markupPercent: formatDecimal(markup.value), categoryMarkups },
  });
}

/** The organization's plan for a month: the one with the latest `effective_from` ≤ month; none → 0 %. */
export async function storedPlanOf(db: Db, orgId: string, month: string): Promise<RatingPlan> {
  const [row] = await db
    .select()
    .from(pricePlans)
    .where(and(eq(pricePlans.orgId, orgId), lte(pricePlans.effectiveFrom, month)))
    .orderBy(desc(pricePlans.effectiveFrom))
    .limit(1);
  return row
    ? {
        effectiveFrom: row.effectiveFrom,
        markupPercent: row.markupPercent,
        categoryMarkups: row.categoryMarkups,
      }
    : { effectiveFrom: null, markupPercent: "0", categoryMarkups: {} };
}
