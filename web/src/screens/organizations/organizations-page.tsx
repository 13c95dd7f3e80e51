import { useState } from "react";
import { useApi } from "../../app/api-context.ts";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { CreateOrganizationDialog } from "./create-organization-dialog.tsx";

/** Operators: every customer organization, and creating a new one. */
export function OrganizationsPage() {
  const api = useApi();
  const { scope, selectScope, reloadContexts } = useScope();
  const orgs = useLoad(() => api.organizations.list(), "all");
  const [creating, setCreating] = useState(false);

  function open(orgId: string) {
    selectScope(orgId);
    navigate("/overview");
  }

  return (
    <>
      <PageHeader
        title="Organizations"
        subtitle="Your customers. Each organization has its own cost centers, workspaces and users."
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create organization
          </button>
        }
      />
      {orgs.error ? <LoadError error={orgs.error} onRetry={() => void orgs.reload()} /> : null}
      {orgs.data && orgs.data.length === 0 ? (
        <EmptyState title="No organizations yet">
          <p>Create the first organization, then invite its administrator from the Users page.</p>
        </EmptyState>
      ) : null}
      {orgs.data && orgs.data.length > 0 ? (
        <table className="table" data-testid="organizations-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="num">Cost centers</th>
              <th className="num">Workspaces</th>
              <th className="num">Users</th>
              <th>Created</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {orgs.data.map((org) => (
              <tr key={org.id}>
                <td>
                  <strong>{org.name}</strong>
                  {scope?.orgId === org.id ? <span className="badge badge-accent">Current</span> : null}
                </td>
                <td className="num">{org.costCenterCount}</td>
                <td className="num">{org.workspaceCount}</td>
                <td className="num">{org.userCount}</td>
                <td>{formatDate(org.createdAt)}</td>
                <td className="row-actions">
                  <button type="button" className="btn btn-small" onClick={() => open(org.id)}>
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {creating ? (
        <CreateOrganizationDialog
          onClose={() => setCreating(false)}
          onCreated={(org) => {
            setCreating(false);
            void orgs.reload();
            void reloadContexts().then(() => selectScope(org.id));
          }}
        />
      ) : null}
    </>
  );
}
