export { backtest, type BacktestCase, type BacktestView, type MethodScore } from "./backtest.ts";
export { estimatesErrors, type EstimatesError } from "./errors.ts";
export { BEST_METHOD, estimateMonthEnd, RANGE_PERCENTILES } from "./estimate-month-end.ts";
export {
  DEFAULT_LATENCY_DAYS,
  ESTIMATE_METHODS,
  type Estimate,
  type EstimateInput,
  type EstimateMethod,
  type MethodChoice,
} from "./estimate-types.ts";
export {
  createEstimates,
  EstimateRequest,
  type DailyTotal,
  type Estimates,
  type EstimatesDeps,
  type MonthEndEstimate,
} from "./estimates-service.ts";
export {
  createScopedEstimates,
  type CurrencyEstimate,
  type EstimateAccount,
  type EstimateScope,
  type ProviderUsage,
  type ScopedEstimates,
  type ScopedEstimatesDeps,
  type ScopeEstimate,
} from "./scoped-estimates.ts";
export { scopeDirectory } from "./scope-directory.ts";
