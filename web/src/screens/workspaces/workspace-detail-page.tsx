import { useState } from "react";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { navigate } from "../../routing/navigation.ts";
import { useScope } from "../../scope/scope-context.ts";
import { providerAccessIn } from "../../session/permissions.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { ProvidersSection } from "../providers/providers-section.tsx";
import { AddMemberForm } from "./add-member-form.tsx";
import { WorkspaceIcon } from "./workspace-icon.tsx";
import { isWorkspaceRole, workspaceRoleLabel, workspaceRoleOptions } from "./workspace-roles.ts";
import { WorkspaceSettingsDialog } from "./workspace-settings-dialog.tsx";

/** One workspace: its members and roles, settings, deletion. */
export function WorkspaceDetailPage({ workspaceId }: { workspaceId: string }) {
  const api = useApi();
  const { permissions, contexts, reloadContexts } = useScope();
  const workspace = useLoad(() => api.workspaces.get(workspaceId), workspaceId);
  const members = useLoad(() => api.workspaces.members(workspaceId), workspaceId);
  const ws = workspace.data;
  const canAdminister =
    ws !== null &&
    (ws.myRole === "admin" ||
      permissions.isOperator ||
      contexts.workspaces.some((w) => w.id === ws.id && w.role === "admin"));
  const canDelete =
    ws !== null &&
    ws.kind === "team" &&
    (permissions.isOperator || permissions.isOrgAdmin || permissions.adminCostCenterIds.has(ws.costCenterId));
  const users = useLoad(
    () => (ws && canAdminister ? api.users.list(ws.orgId) : Promise.resolve([])),
    ws && canAdminister ? ws.orgId : "",
  );
  const costCenterName = ws ? contexts.costCenters.find((c) => c.id === ws.costCenterId)?.name : undefined;
  const [dialog, setDialog] = useState<"settings" | "delete" | null>(null);

  const change = useSubmit(async (userId: string, role: string) => {
    if (isWorkspaceRole(role)) await api.workspaces.setMember(workspaceId, userId, role);
    await members.reload();
  });
  const remove = useSubmit(async (userId: string) => {
    await api.workspaces.removeMember(workspaceId, userId);
    await members.reload();
  });

  if (workspace.error) {
    return (
      <>
        <PageHeader title="Workspace" />
        <LoadError error={workspace.error} onRetry={() => void workspace.reload()} />
        <p>
          <Link to="/workspaces">Back to workspaces</Link>
        </p>
      </>
    );
  }
  if (!ws) return <p className="muted">Loading…</p>;

  const providerAccess = providerAccessIn(permissions, ws);
  const memberIds = new Set((members.data ?? []).map((m) => m.userId));
  const candidates = (users.data ?? []).filter((u) => !memberIds.has(u.id) && u.status === "active");

  return (
    <>
      <p className="breadcrumb">
        <Link to="/workspaces">Workspaces</Link> /
      </p>
      <PageHeader
        title={ws.name}
        icon={<WorkspaceIcon icon={ws.icon} kind={ws.kind} size={24} />}
        subtitle={
          <>
            {ws.kind === "team" ? "Team workspace" : "Personal workspace"}
            {costCenterName ? ` · cost center ${costCenterName}` : ""}
            {ws.myRole ? ` · you are ${workspaceRoleLabel[ws.myRole].toLowerCase()}` : ""}
          </>
        }
        actions={
          <>
            {canAdminister ? (
              <button type="button" className="btn" onClick={() => setDialog("settings")}>
                Rename
              </button>
            ) : null}
            {canDelete ? (
              <button type="button" className="btn btn-danger-quiet" onClick={() => setDialog("delete")}>
                Delete
              </button>
            ) : null}
          </>
        }
      />
      {providerAccess.see ? <ProvidersSection workspace={ws} access={providerAccess} /> : null}
      <section className="card">
        <h2>Members</h2>
        <FormError message={change.formError ?? remove.formError} />
        {members.error ? <LoadError error={members.error} onRetry={() => void members.reload()} /> : null}
        {members.data && members.data.length === 0 ? (
          <p className="empty-inline">No members yet. Add someone below.</p>
        ) : null}
        {members.data && members.data.length > 0 ? (
          <table className="table" data-testid="members-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Email</th>
                <th>Role</th>
                {canAdminister ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>
                    {canAdminister ? (
                      <select
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        disabled={change.submitting}
                        onChange={(e) => void change.run(m.userId, e.target.value)}
                      >
                        {workspaceRoleOptions.map((o) => (
                          <option key={o.value} value={o.value}>
                            {workspaceRoleLabel[o.value]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      workspaceRoleLabel[m.role]
                    )}
                  </td>
                  {canAdminister ? (
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={remove.submitting}
                        onClick={() => void remove.run(m.userId)}
                        aria-label={`Remove ${m.name}`}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {canAdminister ? (
          <>
            <h3>Add a member</h3>
            {users.error ? <LoadError error={users.error} onRetry={() => void users.reload()} /> : null}
            <AddMemberForm
              candidates={candidates}
              onAdd={async (userId, role) => {
                await api.workspaces.setMember(workspaceId, userId, role);
                await members.reload();
              }}
            />
            <p className="field-hint">
              To add someone who has no account yet, invite them from the Users page.
            </p>
          </>
        ) : null}
      </section>
      {dialog === "settings" ? (
        <WorkspaceSettingsDialog
          workspace={ws}
          onClose={() => setDialog(null)}
          onSaved={async () => {
            await Promise.all([workspace.reload(), reloadContexts()]);
          }}
        />
      ) : null}
      {dialog === "delete" ? (
        <ConfirmDialog
          title={`Delete ${ws.name}?`}
          confirmLabel="Delete workspace"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await api.workspaces.remove(ws.id);
            await reloadContexts();
            navigate("/workspaces");
          }}
        >
          <p>The workspace and its memberships are removed. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
