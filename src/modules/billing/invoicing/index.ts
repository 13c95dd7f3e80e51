export { createInvoicing, type Invoicing } from "./invoicing.ts";
export type {
  BillingRoute,
  BillingUser,
  InvoiceRating,
  InvoicingDeps,
  RatedDay,
  RatedMonth,
  RatedRow,
  UsageRowView,
} from "./deps.ts";
export type { InvoicingError } from "./errors.ts";
export type { MonthCloseSummary } from "./month-close.ts";
export type {
  InvoiceFilter,
  InvoiceLineView,
  InvoiceView,
  LineDetail,
  LineDetailDay,
  LineDetailFilter,
  LineDetailQuery,
  LineDetailRow,
} from "./reads.ts";
export {
  assembleInvoice,
  type AssembledInvoice,
  type AssembledLine,
  type CurrentDay,
  type BilledDay,
} from "./assembly.ts";
export { DAY, MONTH } from "./periods.ts";
export { STALE_POSTING_MS } from "./posting.ts";
