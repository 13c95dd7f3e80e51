import { appError, err, ok, type AppError, type Result } from "../../../platform/result.ts";
import { compare, decimal, formatDecimal, fromUnits, pow10, type Decimal } from "./decimal.ts";
import { categoryKey } from "./meter-categories.ts";

/**
 * What the customer pays on top of Microsoft's list price: a markup in percent (negative for a discount), and
 * optionally another percentage for some meter categories.
 */
export type PricePlan = {
  readonly markupPercent: Decimal;
  /** By `categoryKey` of the meter category. */
  readonly meterCategoryMarkupPercent: ReadonlyMap<string, Decimal>;
};

export type PricePlanError = AppError & {
  code: "price_plan_invalid";
  details: { field: string; value: string };
};

const HUNDRED_PERCENT_OFF = decimal("-100");

function invalid(field: string, value: string, why: string): PricePlanError {
  return {
    ...appError("price_plan_invalid", `${field} ${why}`, { field, value }),
    code: "price_plan_invalid",
    details: { field, value },
  };
}

/**
 * A price plan, checked: a discount can reach 100 % (the usage is free) but not beyond, which would pay the customer
 * for using Azure; a meter category needs a name.
 */
export function createPricePlan(input: {
  markupPercent?: Decimal;
  meterCategoryMarkupPercent?: Readonly<Record<string, Decimal>>;
}): Result<PricePlan, PricePlanError> {
  const markupPercent = input.markupPercent ?? decimal("0");
  if (compare(markupPercent, HUNDRED_PERCENT_OFF) < 0)
    return err(
      invalid(
        "markupPercent",
        formatDecimal(markupPercent),
        "is a discount of more than 100 %: use -100 at most.",
      ),
    );
  const byCategory = new Map<string, Decimal>();
  for (const [category, percent] of Object.entries(input.meterCategoryMarkupPercent ?? {})) {
    const field = `meterCategoryMarkupPercent[${category}]`;
    if (categoryKey(category) === "") return err(invalid(field, category, "names no meter category."));
    if (compare(percent, HUNDRED_PERCENT_OFF) < 0)
      return err(
        invalid(field, formatDecimal(percent), "is a discount of more than 100 %: use -100 at most."),
      );
    byCategory.set(categoryKey(category), percent);
  }
  return ok({ markupPercent, meterCategoryMarkupPercent: byCategory });
}

/** The markup that applies to a meter category: its own if the plan names it, else the plan's. */
export const markupPercentOf = (plan: PricePlan, meterCategory: string): Decimal =>
  plan.meterCategoryMarkupPercent.get(categoryKey(meterCategory)) ?? plan.markupPercent;

/** `1 + percent / 100`, exactly: dividing by 100 only moves the decimal point. */
export function priceFactor(percent: Decimal): Decimal {
  const scale = percent.scale + 2;
  return fromUnits(pow10(scale) + percent.units, scale);
}
