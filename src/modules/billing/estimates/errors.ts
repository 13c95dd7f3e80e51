import { appError, type AppError } from "../../../platform/result.ts";

/** The failures estimates report. Codes are persisted in clients' code: never rename one. */
export type EstimatesError =
  | (AppError & { code: "estimate_request_invalid"; details: { field: string } })
  | (AppError & { code: "estimate_month_not_started"; details: { month: string; asOf: string } })
  | (AppError & { code: "estimate_daily_totals_invalid"; details: { day: string; reason: string } });

export const estimatesErrors = {
  requestInvalid: (field: string, message: string): EstimatesError => ({
    ...appError("estimate_request_invalid", `${field}: ${message}`),
    code: "estimate_request_invalid",
    details: { field },
  }),
  monthNotStarted: (month: string, asOf: string): EstimatesError => ({
    ...appError(
      "estimate_month_not_started",
      `No day of ${month} has ended by ${asOf}, so there is nothing to project. Ask from the 2nd of the month, or for an earlier month.`,
    ),
    code: "estimate_month_not_started",
    details: { month, asOf },
  }),
  dailyTotalsInvalid: (day: string, reason: string): EstimatesError => ({
    ...appError(
      "estimate_daily_totals_invalid",
      `The daily totals the estimate was given are not usable: ${day} ${reason}. The usage data of this scope needs repair before it can be estimated.`,
    ),
    code: "estimate_daily_totals_invalid",
    details: { day, reason },
  }),
};
