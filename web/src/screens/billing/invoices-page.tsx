import { useState } from "react";
import { invoicesApi, type InvoiceFilter } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { formatMoney, monthLabel } from "./billing-format.ts";
import { DraftInvoiceDialog } from "./draft-invoice-dialog.tsx";
import { EstimateCard } from "./estimate-card.tsx";
import { basisLabel, InvoiceStateBadge, PostStateBadge } from "./invoice-labels.tsx";

/** Billing → Invoices: the organization's invoices and credit notes, newest first, by month and billing account. */
export function InvoicesPage() {
  const api = useApi();
  const invoices = invoicesApi(api.http);
  const { orgId, scope, permissions } = useScope();
  const [period, setPeriod] = useState("");
  const [accountId, setAccountId] = useState("");
  const [drafting, setDrafting] = useState(false);
  const filter: InvoiceFilter = {
    ...(period ? { period } : {}),
    ...(accountId ? { billingAccountId: accountId } : {}),
  };
  const list = useLoad(
    () => (orgId ? invoices.list(orgId, filter) : Promise.resolve([])),
    `${orgId ?? ""}/${period}/${accountId}`,
  );
  const accounts = useLoad(
    () => (orgId ? unlessForbidden(api.billingAccounts.list(orgId), []) : Promise.resolve([])),
    orgId ?? "",
  );
  const aliasOf = new Map((accounts.data ?? []).map((a) => [a.id, a.alias]));

  return (
    <>
      <PageHeader
        title="Invoices"
        subtitle="The Azure usage billed to each partner cloud account, month by month. A draft changes until it is finalized; a finalized invoice never changes again."
        actions={
          permissions.canDraftInvoices ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setDrafting(true)}
              disabled={!accounts.data || accounts.data.length === 0}
            >
              Draft invoice for a month
            </button>
          ) : null
        }
      />
      {orgId ? (
        scope?.kind === "cost-center" ? (
          <EstimateCard scope="cost_center" id={scope.id} />
        ) : (
          <EstimateCard scope="organization" id={orgId} />
        )
      ) : null}
      <div className="filter-bar">
        <label htmlFor="invoice-month">Month</label>
        <input id="invoice-month" type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
        <label htmlFor="invoice-account">Billing account</label>
        <select id="invoice-account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
          <option value="">All accounts</option>
          {(accounts.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.alias} · {a.name}
            </option>
          ))}
        </select>
        {period || accountId ? (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setPeriod("");
              setAccountId("");
            }}
          >
            Clear
          </button>
        ) : null}
      </div>
      {list.error ? <LoadError error={list.error} onRetry={() => void list.reload()} /> : null}
      {list.data && list.data.length === 0 ? (
        <EmptyState title={period || accountId ? "No invoices match" : "No invoices yet"}>
          <p>
            {period || accountId
              ? "Clear the filters or pick another month or account."
              : "Each month's Azure usage is invoiced to its billing account once the month closes."}
          </p>
        </EmptyState>
      ) : null}
      {list.data && list.data.length > 0 ? (
        <table className="table" data-testid="invoices-table">
          <thead>
            <tr>
              <th>Period</th>
              <th>Billing account</th>
              <th>Number</th>
              <th>State</th>
              <th>Basis</th>
              <th className="num">Total</th>
              <th>Partner cloud</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((inv) => (
              <tr key={inv.id} data-testid="invoice-row" data-invoice-id={inv.id} data-period={inv.period}>
                <td>
                  <Link to={`/billing/invoices/${inv.id}`}>{monthLabel(inv.period)}</Link>
                </td>
                <td>{aliasOf.get(inv.billingAccountId) ?? <code>{inv.billingAccountId}</code>}</td>
                <td>{inv.number ?? <span className="muted">Not numbered yet</span>}</td>
                <td>
                  <InvoiceStateBadge invoice={inv} />
                  {inv.finalizedAt ? (
                    <div className="muted cell-note">{formatDate(inv.finalizedAt)}</div>
                  ) : null}
                </td>
                <td>{basisLabel[inv.basis]}</td>
                <td className="num nowrap" data-testid="invoice-total">
                  {formatMoney(inv.total, inv.currency)}
                </td>
                <td>
                  <PostStateBadge invoice={inv} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {drafting && accounts.data ? (
        <DraftInvoiceDialog
          accounts={accounts.data}
          onClose={() => setDrafting(false)}
          onDrafted={(inv) => {
            setDrafting(false);
            navigate(`/billing/invoices/${inv.id}`);
          }}
        />
      ) : null}
    </>
  );
}
