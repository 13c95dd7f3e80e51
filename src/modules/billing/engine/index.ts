export {
  add,
  compare,
  decimal,
  equals,
  formatDecimal,
  multiply,
  negate,
  normalize,
  parseDecimal,
  sign,
  subtract,
  sum,
  ZERO,
  type Decimal,
} from "./decimal.ts";
export { currencyOf, knownCurrencyCodes, type Currency, type UnknownCurrency } from "./currencies.ts";
export { roundToMinorUnit, UnknownCurrencyError } from "./rounding.ts";
export { allocate, AllocationError } from "./allocate.ts";
export {
  columnKey,
  DAILY_RATED_USAGE_COLUMNS,
  readDailyRatedUsage,
  UsageCsvParser,
  type QuarantineCode,
  type QuarantinedRow,
  type UsageCsvOptions,
  type UsageDetail,
  type UsageFileError,
  type UsageFileSummary,
  type UsageLine,
  type UsageSink,
} from "./usage-csv.ts";
export { categoryKey, serviceClassOf, type ServiceClass } from "./meter-categories.ts";
export { createPricePlan, markupPercentOf, type PricePlan, type PricePlanError } from "./price-plan.ts";
export {
  createRating,
  DEFAULT_LABELS,
  rateLine,
  type CustomerRating,
  type ExchangeRate,
  type InvoiceLine,
  type InvoiceOptions,
  type RatedLine,
  type Rating,
  type RatingState,
} from "./rating.ts";
export { rateUsageFiles, type FileOutcome, type FileUnreadable, type RatedFiles } from "./rate-files.ts";
export { PARALLEL_FROM_BYTES, rateFileInParallel } from "./parallel-rating.ts";
export { billingCommand, BILLING_USAGE } from "./billing-command.ts";
