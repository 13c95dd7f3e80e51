import { useState } from "react";
import { usageApi, type UsageImportDetail } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { usePagedList } from "../audit/use-paged-list.ts";
import { ImportStateBadge, kindLabel, sourceLabel } from "./usage-labels.tsx";
import { UploadUsageDialog } from "./upload-usage-dialog.tsx";

const outcome = (i: UsageImportDetail) =>
  i.state === "failed"
    ? `The import failed: ${i.error?.message ?? "see its page"}.`
    : `${i.rowsStaged} rows read, ${i.rowsQuarantined} set aside; ${i.snapshotsCreated} customer-days updated, ${i.snapshotsUnchanged} unchanged.`;

/** Operators: Microsoft's daily rated usage as it came in (uploaded files and pulls), and ways to bring more. */
export function UsageDataPage() {
  const api = usageApi(useApi().http);
  const imports = usePagedList((cursor) => api.imports(cursor), "usage-imports");
  const [uploading, setUploading] = useState(false);
  const [period, setPeriod] = useState<"current" | "previous">("current");
  const [notice, setNotice] = useState<{ text: string; importId: string } | null>(null);
  const pull = useSubmit(async () => {
    setNotice(null);
    const pulled = await api.pullUnbilled(period);
    setNotice({ text: `Pulled ${pulled.label}. ${outcome(pulled)}`, importId: pulled.id });
    await imports.reload();
  });

  return (
    <>
      <PageHeader
        title="Usage data"
        subtitle="Microsoft's daily rated usage of customers' Azure tenants, kept as versions per customer and day. Invoices are built from the current versions."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setUploading(true)}>
            Upload a usage file
          </button>
        }
      />
      <form
        className="filter-bar"
        onSubmit={(e) => {
          e.preventDefault();
          void pull.run();
        }}
      >
        <label htmlFor="pull-period">Billing period</label>
        <select
          id="pull-period"
          value={period}
          onChange={(e) => setPeriod(e.target.value === "previous" ? "previous" : "current")}
        >
          <option value="current">Current</option>
          <option value="previous">Previous</option>
        </select>
        <button type="submit" className="btn" disabled={pull.submitting}>
          {pull.submitting ? "Pulling…" : "Pull unbilled usage now"}
        </button>
      </form>
      <FormError message={pull.formError} />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice.text} <Link to={`/billing/usage/${notice.importId}`}>Open the import</Link>
        </div>
      ) : null}
      {imports.error ? <LoadError error={imports.error} onRetry={() => void imports.reload()} /> : null}
      {!imports.loading && !imports.error && imports.items.length === 0 ? (
        <EmptyState title="No usage imported yet">
          <p>
            Upload a daily rated usage file exported from Partner Center, or pull the unbilled usage through
            the Microsoft connection.
          </p>
        </EmptyState>
      ) : null}
      {imports.items.length > 0 ? (
        <table className="table table-dense" data-testid="usage-imports-table">
          <thead>
            <tr>
              <th>Import</th>
              <th>Source</th>
              <th>Kind</th>
              <th>State</th>
              <th className="num">Rows</th>
              <th className="num">Set aside</th>
              <th className="num">Days updated</th>
              <th className="num">Days unchanged</th>
            </tr>
          </thead>
          <tbody>
            {imports.items.map((i) => (
              <tr key={i.id} data-testid="usage-import" data-import-id={i.id}>
                <td>
                  <Link to={`/billing/usage/${i.id}`}>{i.label}</Link>
                  <div className="muted cell-note">{formatDateTime(i.startedAt)}</div>
                </td>
                <td>{sourceLabel[i.source]}</td>
                <td>{kindLabel[i.kind]}</td>
                <td>
                  <ImportStateBadge state={i.state} />
                </td>
                <td className="num">{i.rowsStaged}</td>
                <td className="num">{i.rowsQuarantined}</td>
                <td className="num">{i.snapshotsCreated}</td>
                <td className="num">{i.snapshotsUnchanged}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="load-more">
        {imports.hasMore ? (
          <button
            type="button"
            className="btn"
            disabled={imports.loading}
            onClick={() => void imports.loadMore()}
          >
            {imports.loading ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
      {uploading ? (
        <UploadUsageDialog
          onClose={() => setUploading(false)}
          onImported={(imported) => {
            setUploading(false);
            setNotice({ text: `${imported.label}: ${outcome(imported)}`, importId: imported.id });
            void imports.reload();
          }}
        />
      ) : null}
    </>
  );
}
