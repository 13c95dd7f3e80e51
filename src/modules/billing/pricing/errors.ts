import { appError } from "../../../platform/result.ts";

/** The failures pricing reports. Codes are persisted in clients' code: never rename one. */
export const pricingErrors = {
  forbidden: (why: string) => appError("forbidden", why),
  organizationNotFound: (orgId: string) =>
    appError("not_found", `No organization with id ${orgId} exists, or you cannot see it. Check the id.`),
  invalid: (field: string, value: string, why: string) => ({
    ...appError("price_plan_invalid", `${field} ${why}`, { field, value }),
    code: "price_plan_invalid" as const,
  }),
  notFuture: (effectiveFrom: string, firstAllowed: string) =>
    appError(
      "price_plan_not_future",
      `effectiveFrom: ${effectiveFrom} has already started, and a plan never reprices a period that may be billed. Use ${firstAllowed} or a later month.`,
      { field: "effectiveFrom", effectiveFrom, firstAllowed },
    ),
  exchangeRateInvalid: (field: string, why: string) =>
    appError("exchange_rate_invalid", `${field} ${why}`, { field }),
  exchangeRateNotFound: (from: string, to: string, month: string) =>
    appError(
      "not_found",
      `No partner exchange rate from ${from} to ${to} is set for ${month}. List the rates with GET /api/v1/billing/exchange-rates.`,
    ),
  settingsInvalid: (field: string, why: string) =>
    appError("billing_settings_invalid", `${field} ${why}`, { field }),
};

export const roleNeeded = {
  plans: "Price plans are seen and changed by the organization's administrators and the partner's operators.",
  operators: "Only the partner's operators may do this.",
};

export type PricingError = ReturnType<(typeof pricingErrors)[keyof typeof pricingErrors]>;
