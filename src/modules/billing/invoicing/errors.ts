import { appError, type AppError } from "../../../platform/result.ts";

/** The failures invoicing reports. Codes are persisted in clients' code: never rename one. */
export const invoicingErrors = {
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} with id ${id} exists, or you cannot see it. Check the id.`),
  forbidden: (why: string) => appError("forbidden", why),
  finalized: (invoiceId: string, number: string | null) =>
    appError(
      "invoice_finalized",
      `Invoice ${number ?? invoiceId} is finalized and never changes. Issue a credit note to correct it; later usage of its month is billed on the next invoice as "Update to Previous Month".`,
      { invoiceId, number },
    ),
  notFinalized: (invoiceId: string) =>
    appError(
      "invoice_not_finalized",
      `Invoice ${invoiceId} is a draft. Finalize it first (POST /api/v1/invoices/${invoiceId}/finalize).`,
      { invoiceId },
    ),
  alreadyCredited: (invoiceId: string, creditNoteId: string) =>
    appError(
      "invoice_already_credited",
      `Invoice ${invoiceId} already has credit note ${creditNoteId}; an invoice is credited once. Its usage is billed again on the account's next invoice.`,
      { invoiceId, creditNoteId },
    ),
  creditNoteNotCreditable: (invoiceId: string) =>
    appError(
      "invoice_is_credit_note",
      `${invoiceId} is a credit note; only invoices are credited. Credit the invoice it corrects instead.`,
      { invoiceId },
    ),
  periodInFuture: (period: string, current: string) =>
    appError(
      "invoice_period_future",
      `period: ${period} has not started (this is ${current}). Give this month or an earlier one.`,
      { period },
    ),
  currencyNotPostable: (currency: string) =>
    appError(
      "invoice_currency_not_postable",
      `The partner cloud takes amounts with at most two decimals; ${currency} has more. Bill this account in a currency with two decimals or fewer.`,
      { currency },
    ),
  usageNotFinal: (billingAccountId: string, period: string) =>
    appError(
      "usage_not_final",
      `Microsoft's billed usage of ${period} is not in yet for every customer of billing account ${billingAccountId}; in arrears the month is invoiced once it is.`,
      { billingAccountId, period },
    ),
  busy: (billingAccountId: string): AppError & { code: "invoice_busy" } => ({
    ...appError(
      "invoice_busy",
      `Other invoices of billing account ${billingAccountId} kept being finalized while this one was built. Try again.`,
      { billingAccountId },
    ),
    retryable: true,
  }),
  billingUserMissing: (): AppError & { code: "partner_cloud_billing_not_configured" } => ({
    ...appError(
      "partner_cloud_billing_not_configured",
      "Partner Cloud has no partner-cloud sign-in to post invoice lines with. Set PARTNER_CLOUD_BILLING_USER and PARTNER_CLOUD_BILLING_PASSWORD (a user of the partner's top account) and PARTNER_CLOUD_URL.",
    ),
    retryable: true,
  }),
};

export type InvoicingError = ReturnType<(typeof invoicingErrors)[keyof typeof invoicingErrors]>;
