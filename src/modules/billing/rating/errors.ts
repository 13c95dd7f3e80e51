import { appError, type AppError } from "../../../platform/result.ts";

/** The failures rating reports. Codes are persisted in clients' code: never rename one. */
export const billingRatingErrors = {
  billingAccountNotFound: (billingAccountId: string) => ({
    ...appError(
      "billing_account_not_found",
      `billingAccountId: no connected billing account has the id ${billingAccountId}. Pick one of the organization's connected billing accounts.`,
      { field: "billingAccountId", billingAccountId },
    ),
    code: "billing_account_not_found" as const,
  }),
  exchangeRateMissing: (from: string, to: string, month: string) => ({
    ...appError(
      "exchange_rate_missing",
      `No exchange rate from ${from} to ${to} is known for ${month}: Microsoft billed this usage in another currency. Set a partner rate from ${from} to ${to} for ${month} under Billing → Exchange rates, then rate the month again.`,
      { from, to, month },
    ),
    code: "exchange_rate_missing" as const,
  }),
  currencyUnknown: (billingAccountId: string, country: string) => ({
    ...appError(
      "billing_account_currency_unknown",
      `The billing account ${billingAccountId} is in the country "${country}", whose currency Partner Cloud does not know. Correct the account's country in the partner cloud and read the account again.`,
      { billingAccountId, country },
    ),
    code: "billing_account_currency_unknown" as const,
  }),
  forbidden: () => ({
    ...appError(
      "forbidden",
      "Only the partner's operators see and route usage that no billing account takes.",
    ),
    code: "forbidden" as const,
  }),
};

export type BillingRatingError = ReturnType<(typeof billingRatingErrors)[keyof typeof billingRatingErrors]>;

/**
 * A rating that cannot go on while rows stream out of `rateSnapshots` (an iterator has no Result to return): it
 * carries the same error `rateMonth` returns for the same usage.
 */
export class BillingRatingFailure extends Error {
  constructor(readonly error: BillingRatingError & AppError) {
    super(error.message);
    this.name = "BillingRatingFailure";
  }
}
