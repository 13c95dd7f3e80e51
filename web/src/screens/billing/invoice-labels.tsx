import type { Invoice, InvoiceBasis, InvoiceLine, PostState } from "../../api/billing-api.ts";

export const basisLabel: Record<InvoiceBasis, string> = {
  estimate: "Estimate",
  final: "Final",
};

export const basisExplained: Record<InvoiceBasis, string> = {
  estimate: "Built from Microsoft's unbilled usage so far; the next invoice reconciles any difference.",
  final: "Built from usage Microsoft has billed the partner for: it will not change.",
};

const postLabel: Record<PostState, string> = {
  not_posted: "Not posted",
  posting: "Posting…",
  posted: "Posted",
  failed: "Posting failed",
};

const postBadge: Record<PostState, string> = {
  not_posted: "badge",
  posting: "badge badge-accent",
  posted: "badge badge-ok",
  failed: "badge badge-off",
};

export const lineKindLabel: Record<InvoiceLine["kind"], string> = {
  usage: "Usage",
  update_previous: "Update to a previous month",
  credit: "Credit",
};

/** Draft or finalized; a credit note says so. */
export function InvoiceStateBadge({ invoice }: { invoice: Invoice }) {
  const finalized = invoice.state === "finalized";
  return (
    <>
      <span
        className={finalized ? "badge badge-ok" : "badge badge-warn"}
        data-testid="invoice-state"
        data-state={invoice.state}
      >
        {finalized ? "Finalized" : "Draft"}
      </span>
      {invoice.kind === "credit_note" ? <span className="badge badge-accent">Credit note</span> : null}
    </>
  );
}

/** Where the invoice stands with the partner cloud's own invoice. */
export function PostStateBadge({ invoice }: { invoice: Invoice }) {
  return (
    <span className={postBadge[invoice.postState]} data-testid="post-state" data-state={invoice.postState}>
      {postLabel[invoice.postState]}
    </span>
  );
}
