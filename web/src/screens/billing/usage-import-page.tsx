import { usageApi } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { monthLabel } from "./billing-format.ts";
import { ImportStateBadge, kindLabel, sourceLabel } from "./usage-labels.tsx";

/** One usage import: what it read and published, and the rows it set aside with their line and reason. */
export function UsageImportPage({ importId }: { importId: string }) {
  const api = usageApi(useApi().http);
  const data = useLoad(() => api.get(importId), importId);

  if (data.error) return <LoadError error={data.error} onRetry={() => void data.reload()} />;
  if (!data.data) return <p className="muted">Loading…</p>;
  const i = data.data;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/billing/usage">Usage data</Link> / {i.label}
      </p>
      <PageHeader
        title={i.label}
        subtitle={`${sourceLabel[i.source]} · ${kindLabel[i.kind]}`}
        actions={
          <button type="button" className="btn" onClick={() => void data.reload()} disabled={data.loading}>
            Refresh
          </button>
        }
      />
      <section className="card" data-testid="usage-import-details">
        <dl className="details">
          <dt>State</dt>
          <dd>
            <ImportStateBadge state={i.state} />
          </dd>
          <dt>Started</dt>
          <dd>{formatDateTime(i.startedAt)}</dd>
          <dt>Finished</dt>
          <dd>{i.finishedAt ? formatDateTime(i.finishedAt) : "Not yet"}</dd>
          {i.billingPeriod ? (
            <>
              <dt>Billing period</dt>
              <dd data-testid="billing-period">{monthLabel(i.billingPeriod)}</dd>
            </>
          ) : null}
          {i.microsoftInvoiceId ? (
            <>
              <dt>Microsoft invoice</dt>
              <dd>{i.microsoftInvoiceId}</dd>
            </>
          ) : null}
          <dt>Rows read</dt>
          <dd data-testid="rows-staged">{i.rowsStaged}</dd>
          <dt>Rows set aside</dt>
          <dd data-testid="rows-quarantined">{i.rowsQuarantined}</dd>
          <dt>Customer-days updated</dt>
          <dd>{i.snapshotsCreated}</dd>
          <dt>Customer-days unchanged</dt>
          <dd>{i.snapshotsUnchanged}</dd>
        </dl>
        {i.error ? (
          <div className="alert alert-error" role="alert">
            {i.error.message} <code>{i.error.code}</code>
          </div>
        ) : null}
      </section>
      <h2>Rows set aside</h2>
      {i.quarantined.length === 0 ? (
        <EmptyState title="Every row was read">
          <p>No row of this import was set aside.</p>
        </EmptyState>
      ) : (
        <>
          {i.rowsQuarantined > i.quarantined.length ? (
            <p className="muted">
              The first {i.quarantined.length} of {i.rowsQuarantined}, by line.
            </p>
          ) : null}
          <table className="table table-dense" data-testid="quarantined-rows">
            <thead>
              <tr>
                <th className="num">Line</th>
                <th>Problem</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {i.quarantined.map((q) => (
                <tr key={`${q.line}/${q.code}`} data-testid="quarantined-row" data-line={q.line}>
                  <td className="num">{q.line}</td>
                  <td>
                    <code>{q.code}</code>
                  </td>
                  <td className="cell-wide">{q.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
