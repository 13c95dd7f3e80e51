import type { PlanInput } from "../../api/billing-api.ts";

export type Direction = "markup" | "discount";

/** A percentage as typed, with whether it raises or lowers Microsoft's list price. */
export type PercentInput = { direction: Direction; percent: string };

export type CategoryRow = PercentInput & { key: number; category: string };

export type PlanDraft = PercentInput & { categories: CategoryRow[] };

/** The API's signed percentage: a discount is negative. The digits are passed on as typed, for the API to judge. */
export function signedPercent({ direction, percent }: PercentInput): string {
  const digits = percent.trim().replace(/^[+-]/, "");
  return direction === "discount" && digits !== "" ? `-${digits}` : digits;
}

/** What the API is sent for a plan (or its preview): category rows without a name are left out. */
export function planInputOf(draft: PlanDraft): PlanInput {
  const named = draft.categories.filter((c) => c.category.trim() !== "");
  return {
    markupPercent: signedPercent(draft),
    ...(named.length > 0
      ? { categoryMarkups: Object.fromEntries(named.map((c) => [c.category.trim(), signedPercent(c)])) }
      : {}),
  };
}

/** How the API names a category's problem: `categoryMarkups[Name]` from the plan's rules, dotted from the schema. */
export const categoryFields = (category: string): [string, string] => [
  `categoryMarkups[${category.trim()}]`,
  `categoryMarkups.${category.trim()}`,
];
