import { useState } from "react";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { CreateWorkspaceDialog } from "./create-workspace-dialog.tsx";
import { WorkspaceIcon } from "./workspace-icon.tsx";
import { workspaceRoleLabel } from "./workspace-roles.ts";

/** The workspaces of the organization, or of the current cost center when one is chosen. */
export function WorkspacesPage() {
  const api = useApi();
  const { orgId, scope, permissions, reloadContexts } = useScope();
  const costCenterId = scope?.kind === "cost-center" ? scope.id : undefined;
  const key = `${orgId ?? ""}/${costCenterId ?? ""}`;
  const workspaces = useLoad(
    () => (orgId ? api.workspaces.list(orgId, costCenterId) : Promise.resolve([])),
    key,
  );
  const costCenters = useLoad(() => (orgId ? api.costCenters.list(orgId) : Promise.resolve([])), orgId ?? "");
  const [creating, setCreating] = useState(false);

  const ccName = new Map((costCenters.data ?? []).map((c) => [c.id, c.name]));
  const creatableIn = (costCenters.data ?? []).filter(
    (c) => permissions.isOrgAdmin || permissions.adminCostCenterIds.has(c.id),
  );
  const initialCostCenterId =
    (costCenterId && creatableIn.some((c) => c.id === costCenterId) ? costCenterId : undefined) ??
    creatableIn.find((c) => c.isDefault)?.id ??
    creatableIn[0]?.id ??
    "";

  return (
    <>
      <PageHeader
        title="Workspaces"
        subtitle={
          scope?.kind === "cost-center"
            ? `In cost center ${scope.name}`
            : "Everything you can see in this organization"
        }
        actions={
          permissions.canCreateWorkspaces ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={creatableIn.length === 0}
              onClick={() => setCreating(true)}
            >
              Create team workspace
            </button>
          ) : null
        }
      />
      {workspaces.error ? (
        <LoadError error={workspaces.error} onRetry={() => void workspaces.reload()} />
      ) : null}
      {workspaces.data && workspaces.data.length === 0 ? (
        <EmptyState title="No workspaces here yet">
          <p>
            {permissions.canCreateWorkspaces
              ? "Create a team workspace to give a team a shared place for its resources."
              : "Ask an administrator to add you to a workspace."}
          </p>
        </EmptyState>
      ) : null}
      {workspaces.data && workspaces.data.length > 0 ? (
        <table className="table" data-testid="workspaces-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Cost center</th>
              <th>Your role</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.data.map((ws) => (
              <tr key={ws.id}>
                <td>
                  <WorkspaceIcon icon={ws.icon} kind={ws.kind} />
                  <Link to={`/workspaces/${ws.id}`}>{ws.name}</Link>
                </td>
                <td>{ws.kind === "team" ? "Team" : "Personal"}</td>
                <td>{ccName.get(ws.costCenterId) ?? "—"}</td>
                <td>{ws.myRole ? workspaceRoleLabel[ws.myRole] : <span className="muted">—</span>}</td>
                <td>{formatDate(ws.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {creating && orgId ? (
        <CreateWorkspaceDialog
          orgId={orgId}
          costCenters={creatableIn}
          initialCostCenterId={initialCostCenterId}
          onClose={() => setCreating(false)}
          onCreated={(ws) => {
            setCreating(false);
            void reloadContexts();
            navigate(`/workspaces/${ws.id}`);
          }}
        />
      ) : null}
    </>
  );
}
