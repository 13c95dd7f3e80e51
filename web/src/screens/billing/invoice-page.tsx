import { useState } from "react";
import { invoicesApi, type Invoice, type InvoiceLine } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { formatMoney, groupDigits, monthLabel } from "./billing-format.ts";
import { ExactAmount } from "./exact-amount.tsx";
import { InvoiceActions } from "./invoice-actions.tsx";
import {
  basisExplained,
  basisLabel,
  InvoiceStateBadge,
  lineKindLabel,
  PostStateBadge,
} from "./invoice-labels.tsx";
import { LineDetail } from "./line-detail.tsx";

const actionNotice = {
  finalize: (i: Invoice) => `The invoice is finalized as ${i.number ?? "numbered"}.`,
  post: (i: Invoice) =>
    i.postState === "posted"
      ? "The invoice is posted to the partner cloud."
      : `The partner cloud did not take the invoice: ${i.postError?.message ?? "see its post state"}.`,
  credit: (i: Invoice) => `Credit note ${i.number ?? ""} is issued; its usage goes on the next invoice.`,
};

function InvoiceLines({
  invoice,
  operator,
  open,
  onOpen,
}: {
  invoice: Invoice;
  operator: boolean;
  open: InvoiceLine | null;
  onOpen: (line: InvoiceLine | null) => void;
}) {
  const lines = invoice.lines ?? [];
  return (
    <table className="table" data-testid="invoice-lines">
      <thead>
        <tr>
          <th>Description</th>
          <th>Service period</th>
          {operator ? (
            <>
              <th className="num">List price</th>
              <th className="num">Partner cost</th>
              <th className="num">Margin</th>
            </>
          ) : null}
          <th className="num">Amount ({invoice.currency})</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => {
          const current = open?.lineNo === l.lineNo;
          return (
            <tr
              key={l.lineNo}
              className={current ? "row-current" : undefined}
              data-testid="invoice-line"
              data-line-no={l.lineNo}
            >
              <td>
                {l.description}
                <div className="muted cell-note">
                  {lineKindLabel[l.kind]} · {l.rowCount} usage rows
                </div>
              </td>
              <td>{monthLabel(l.servicePeriod)}</td>
              {operator ? (
                <>
                  <td className="num nowrap">
                    <ExactAmount value={l.listPrice} />
                  </td>
                  <td className="num nowrap">
                    <ExactAmount value={l.partnerCost} />
                  </td>
                  <td className="num nowrap">
                    <ExactAmount value={l.margin} />
                  </td>
                </>
              ) : null}
              <td className="num nowrap" data-testid="line-amount" data-amount={l.amount}>
                {groupDigits(l.amount)}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => onOpen(current ? null : l)}
                  aria-label={`Detail of line ${l.lineNo}`}
                >
                  {current ? "Hide detail" : "Detail"}
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <th colSpan={operator ? 5 : 2}>Total</th>
          <th className="num nowrap" data-testid="invoice-total">
            {formatMoney(invoice.total, invoice.currency)}
          </th>
          <th />
        </tr>
      </tfoot>
    </table>
  );
}

/** One invoice or credit note: its header, its lines, what each line is made of, and the operators' commands. */
export function InvoicePage({ invoiceId }: { invoiceId: string }) {
  const api = useApi();
  const invoices = invoicesApi(api.http);
  const { permissions } = useScope();
  const operator = permissions.isOperator;
  const data = useLoad(async () => {
    const invoice = await invoices.get(invoiceId);
    const account = await unlessForbidden(api.billingAccounts.get(invoice.billingAccountId), null);
    return { invoice, account };
  }, invoiceId);
  const [open, setOpen] = useState<InvoiceLine | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (data.error) return <LoadError error={data.error} onRetry={() => void data.reload()} />;
  if (!data.data) return <p className="muted">Loading…</p>;
  const { invoice, account } = data.data;
  const accountName = account ? `${account.alias} (${account.name})` : invoice.billingAccountId;
  const title = `${invoice.kind === "credit_note" ? "Credit note" : "Invoice"} ${
    invoice.number ?? "(draft)"
  }`;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/billing/invoices">Invoices</Link> / {invoice.number ?? "Draft"}
      </p>
      <PageHeader
        title={title}
        subtitle={`${accountName} · ${monthLabel(invoice.period)}`}
        actions={
          operator ? (
            <InvoiceActions
              invoice={invoice}
              accountName={account?.alias ?? invoice.billingAccountId}
              onDone={(result, action) => {
                setNotice(actionNotice[action](result));
                if (result.id === invoice.id) void data.reload();
                else navigate(`/billing/invoices/${result.id}`);
              }}
            />
          ) : null
        }
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <section className="card" data-testid="invoice-header">
        <dl className="details">
          <dt>Number</dt>
          <dd data-testid="invoice-number">{invoice.number ?? "Given when the invoice is finalized"}</dd>
          <dt>Billing account</dt>
          <dd>{accountName}</dd>
          <dt>Period</dt>
          <dd>{monthLabel(invoice.period)}</dd>
          <dt>State</dt>
          <dd>
            <InvoiceStateBadge invoice={invoice} />
            {invoice.finalizedAt ? (
              <span className="muted"> {formatDateTime(invoice.finalizedAt)}</span>
            ) : null}
          </dd>
          <dt>Basis</dt>
          <dd>
            {basisLabel[invoice.basis]} <span className="muted">— {basisExplained[invoice.basis]}</span>
          </dd>
          <dt>Currency</dt>
          <dd>{invoice.currency}</dd>
          <dt>Total</dt>
          <dd>
            <strong>{formatMoney(invoice.total, invoice.currency)}</strong>
          </dd>
          {invoice.reason ? (
            <>
              <dt>Reason</dt>
              <dd>{invoice.reason}</dd>
            </>
          ) : null}
          {invoice.creditsInvoiceId ? (
            <>
              <dt>Takes back</dt>
              <dd>
                <Link to={`/billing/invoices/${invoice.creditsInvoiceId}`}>the credited invoice</Link>
              </dd>
            </>
          ) : null}
          <dt>Partner cloud</dt>
          <dd>
            <PostStateBadge invoice={invoice} />
            {invoice.postedAt ? <span className="muted"> {formatDateTime(invoice.postedAt)}</span> : null}
          </dd>
        </dl>
        {invoice.postError ? (
          <div className="alert alert-error" role="alert" data-testid="post-error">
            The partner cloud refused the posting ({invoice.postError.code}): {invoice.postError.message}
          </div>
        ) : null}
      </section>
      <InvoiceLines invoice={invoice} operator={operator} open={open} onOpen={setOpen} />
      {open ? <LineDetail key={open.lineNo} invoice={invoice} line={open} operator={operator} /> : null}
    </>
  );
}
