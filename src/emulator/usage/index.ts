export {
  closesAt,
  dayOf,
  daysIn,
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
export {
  countriesOf,
  currencyOfCountry,
  currencySymbol,
  exchangeRate,
  knownCurrencies,
  minorUnits,
} from "./exchange-rates.ts";
export { exactJson } from "./exact-json.ts";
export {
  customerMonthTotals,
  invoiceTotal,
  reconLines,
  type CustomerMonthTotals,
  type ReconLine,
} from "./expected-totals.ts";
export {
  canonical,
  equals,
  fixed,
  format,
  fromUnits,
  minus,
  negate,
  plus,
  rescale,
  sum,
  times,
  ZERO,
  type Fixed,
} from "./fixed-decimal.ts";
export { regionOfCountry, regions, vmSizes, type Precision, type VmPricing } from "./meter-catalog.ts";
export { seedOf, stableGuid } from "./seeded-random.ts";
export {
  arrivedUsage,
  azurePlanIdOf,
  rerated,
  usageFor,
  type UsageResource,
  type UsageRow,
  type UsageSubject,
} from "./usage-model.ts";
export { openUsageWorld, UsageProfileInput, type UsageProfile, type UsageWorld } from "./usage-world.ts";
export { usageControlRoutes } from "./usage-control-routes.ts";
