import type { Workspace } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import type { ProviderAccess } from "../../session/permissions.ts";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { optionShortLabel } from "./provider-labels.ts";
import { ProviderStateBadge } from "./provider-state-badge.tsx";

/** The workspace's cloud providers with their state, and the way to add one. */
export function ProvidersSection({ workspace, access }: { workspace: Workspace; access: ProviderAccess }) {
  const api = useApi();
  const providers = useLoad(() => api.providers.listInWorkspace(workspace.id), workspace.id);
  const base = `/workspaces/${workspace.id}/providers`;

  return (
    <section className="card" aria-labelledby="providers-heading" data-testid="providers-section">
      <div className="card-header">
        <h2 id="providers-heading">Providers</h2>
        {access.edit ? (
          <Link to={`${base}/new`} className="btn btn-primary btn-small">
            New provider
          </Link>
        ) : null}
      </div>
      {providers.error ? <LoadError error={providers.error} onRetry={() => void providers.reload()} /> : null}
      {providers.data && providers.data.length === 0 ? (
        <p className="empty-inline">
          No cloud provider yet.{" "}
          {access.edit
            ? "Add one with “New provider” to manage a Microsoft Azure subscription from this workspace."
            : "An administrator of this workspace adds them."}
        </p>
      ) : null}
      {providers.data && providers.data.length > 0 ? (
        <table className="table" data-testid="providers-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>State</th>
              <th>Subscription</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {providers.data.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`${base}/${p.id}`}>{p.name}</Link>
                </td>
                <td>
                  Microsoft Azure
                  <div className="muted cell-note">{optionShortLabel[p.option]}</div>
                </td>
                <td>
                  <ProviderStateBadge state={p.state} />
                  {p.failureReason && (p.state === "failed" || p.state === "unavailable") ? (
                    <div className="cell-note field-error">{p.failureReason}</div>
                  ) : null}
                </td>
                <td>
                  {p.azure.subscriptionName ?? p.azure.subscriptionId ?? <span className="muted">—</span>}
                </td>
                <td>{formatDate(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
