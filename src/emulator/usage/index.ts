export {
  closesAt,
  dayOf,
  firstDayOf,
  isClosed,
  isoDay,
  lastDayOf,
  monthOf,
  monthsBetween,
  nextMonth,
  previousMonth,
  type Month,
} from "./billing-calendar.ts";
export { currencyOfCountry, currencySymbol, exchangeRate, minorUnits } from "./exchange-rates.ts";
export { exactJson } from "./exact-json.ts";
export {
  customerMonthTotals,
  invoiceTotal,
  reconLines,
  type CustomerMonthTotals,
  type ReconLine,
} from "./expected-totals.ts";
export { equals, fixed, format, plus, rescale, sum, times, type Fixed } from "./fixed-decimal.ts";
export { seedOf } from "./seeded-random.ts";
export {
  arrivedUsage,
  azurePlanIdOf,
  usageFor,
  type UsageResource,
  type UsageRow,
  type UsageSubject,
} from "./usage-model.ts";
export { openUsageWorld, UsageProfileInput, type UsageProfile, type UsageWorld } from "./usage-world.ts";
export { usageControlRoutes } from "./usage-control-routes.ts";
