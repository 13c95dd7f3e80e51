import { compactMonth } from "./periods.ts";

export type InvoiceState = "draft" | "finalized";
export type PostState = "not_posted" | "posting" | "posted" | "failed";

/**
 * The invoice's life: `draft` (rebuilt from the usage at will) → `finalized` (numbered; from then on its fields
 * and lines are only read, except how far posting got) and, independently once finalized, posting:
 * `not_posted` → `posting` → `posted`, or `failed` with the error; a failure the partner cloud may get over is
 * tried again, and a `posting` left behind by a stopped worker is taken over once it is `stalePostingMs` old.
 */
export const invoiceNumber = (period: string, sequence: number): string =>
  `PC-${compactMonth(period)}-${String(sequence).padStart(6, "0")}`;

/** The running number of an invoice number: finalization order across all accounts and months. */
export const sequenceOf = (number: string): number => Number.parseInt(number.slice(-6), 10);

/** Posting failures worth another attempt: the partner cloud did not answer, or not yet. */
export const retryablePostError = (code: string): boolean =>
  code === "partner_cloud_unavailable" || code === "partner_cloud_billing_not_configured";

export function mayPost(
  invoice: {
    readonly state: InvoiceState;
    readonly postState: PostState;
    readonly postError: { readonly code: string } | null;
    readonly updatedAt: Date;
  },
  opts: { readonly now: Date; readonly stalePostingMs: number; readonly retry: boolean },
): boolean {
  if (invoice.state !== "finalized") return false;
  switch (invoice.postState) {
    case "not_posted":
      return true;
    case "posted":
      return false;
    case "failed":
      return opts.retry ? invoice.postError !== null && retryablePostError(invoice.postError.code) : true;
    case "posting":
      return invoice.updatedAt.getTime() <= opts.now.getTime() - opts.stalePostingMs;
  }
}
