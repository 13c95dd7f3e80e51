import type { BillingPricingDeps } from "./deps.ts";
import { createExchangeRates } from "./exchange-rates.ts";
import { createPlans } from "./plans.ts";
import { createBillingSettings } from "./settings.ts";

/** The partner's prices: organizations' price plans, the partner's exchange rates and the billing policy. */
export function createBillingPricing(deps: BillingPricingDeps) {
  const settings = createBillingSettings(deps);
  return {
    plans: createPlans(deps, settings),
    exchangeRates: createExchangeRates(deps),
    settings,
  };
}

export type BillingPricing = ReturnType<typeof createBillingPricing>;
export type { BillingPricingDeps } from "./deps.ts";
export type { PricingError } from "./errors.ts";
export type { ExchangeRate, ExchangeRateKey } from "./exchange-rates.ts";
export type { NewPricePlan, PricePlan } from "./plans.ts";
export { invoiceTotal, type AccountPreview, type PlanPreview } from "./preview.ts";
export type { BillingSettings, BillingSettingsInput } from "./settings.ts";
