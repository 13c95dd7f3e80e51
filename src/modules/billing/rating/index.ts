export {
  createBillingRating,
  type BillingRating,
  type RatedDay,
  type RatedMonth,
  type RatedUsageRow,
  type UnassignedUsage,
  type UsageAssignment,
} from "./billing-rating.ts";
export type { BillingAccountFacts, BillingRatingDeps } from "./deps.ts";
export { BillingRatingFailure, type BillingRatingError } from "./errors.ts";
export { pricePlanOf, type PricePlanInput, type RatingPlan } from "./plan.ts";
export type { AppliedRate } from "./rate-row.ts";
export type { BillingRoute } from "./routing.ts";
export { currencyOfCountry } from "./country-currencies.ts";
export type { UsageRowRecord } from "./usage-query.ts";
