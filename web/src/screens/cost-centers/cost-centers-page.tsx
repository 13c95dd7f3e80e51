import { useState } from "react";
import type { CostCenter } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useScope } from "../../scope/scope-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { CostCenterAdminsDialog } from "./cost-center-admins-dialog.tsx";
import { CostCenterNameDialog } from "./cost-center-name-dialog.tsx";

type Editing =
  | { kind: "create" }
  | { kind: "rename"; costCenter: CostCenter }
  | { kind: "delete"; costCenter: CostCenter }
  | { kind: "admins"; costCenterId: string };

/** The organization's cost centers and their administrators. */
export function CostCentersPage() {
  const api = useApi();
  const { orgId, scope, permissions, reloadContexts } = useScope();
  const list = useLoad(() => (orgId ? api.costCenters.list(orgId) : Promise.resolve([])), orgId ?? "");
  const [editing, setEditing] = useState<Editing | null>(null);
  const canManage = permissions.canManageCostCenters;

  async function changed() {
    await Promise.all([list.reload(), reloadContexts()]);
  }

  const adminsOf =
    editing?.kind === "admins" ? list.data?.find((c) => c.id === editing.costCenterId) : undefined;

  return (
    <>
      <PageHeader
        title="Cost centers"
        subtitle="Cost centers group workspaces that are billed together. Their administrators manage those workspaces."
        actions={
          canManage ? (
            <button type="button" className="btn btn-primary" onClick={() => setEditing({ kind: "create" })}>
              Create cost center
            </button>
          ) : null
        }
      />
      {list.error ? <LoadError error={list.error} onRetry={() => void list.reload()} /> : null}
      {list.data && list.data.length === 0 ? (
        <EmptyState title="No cost centers yet">
          <p>
            {canManage
              ? "Create one to split costs by department or project."
              : "An organization administrator creates them."}
          </p>
        </EmptyState>
      ) : null}
      {list.data && list.data.length > 0 ? (
        <table className="table" data-testid="cost-centers-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Administrators</th>
              <th>Created</th>
              {canManage ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {list.data.map((cc) => (
              <tr key={cc.id} className={scope?.id === cc.id ? "row-current" : undefined}>
                <td>
                  <strong>{cc.name}</strong>
                  {cc.isDefault ? <span className="badge">Default</span> : null}
                  {scope?.id === cc.id ? <span className="badge badge-accent">Current</span> : null}
                </td>
                <td>
                  {cc.admins.length === 0 ? (
                    <span className="muted">None</span>
                  ) : (
                    <span className="chips">
                      {cc.admins.map((a) => (
                        <span key={a.userId} className="chip" title={a.email}>
                          {a.name}
                        </span>
                      ))}
                    </span>
                  )}
                </td>
                <td>{formatDate(cc.createdAt)}</td>
                {canManage ? (
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setEditing({ kind: "admins", costCenterId: cc.id })}
                    >
                      Administrators
                    </button>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setEditing({ kind: "rename", costCenter: cc })}
                      aria-label={`Rename ${cc.name}`}
                    >
                      Rename
                    </button>
                    {cc.isDefault ? null : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-quiet"
                        onClick={() => setEditing({ kind: "delete", costCenter: cc })}
                        aria-label={`Delete ${cc.name}`}
                      >
                        Delete
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {editing?.kind === "create" && orgId ? (
        <CostCenterNameDialog
          title="Create cost center"
          submitLabel="Create cost center"
          onClose={() => setEditing(null)}
          onSave={async (name) => {
            await api.costCenters.create(orgId, name);
            setEditing(null);
            await changed();
          }}
        />
      ) : null}
      {editing?.kind === "rename" ? (
        <CostCenterNameDialog
          title={`Rename ${editing.costCenter.name}`}
          submitLabel="Save"
          initialName={editing.costCenter.name}
          onClose={() => setEditing(null)}
          onSave={async (name) => {
            await api.costCenters.rename(editing.costCenter.id, name);
            setEditing(null);
            await changed();
          }}
        />
      ) : null}
      {editing?.kind === "delete" ? (
        <ConfirmDialog
          title={`Delete ${editing.costCenter.name}?`}
          confirmLabel="Delete cost center"
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await api.costCenters.remove(editing.costCenter.id);
            await changed();
          }}
        >
          <p>The cost center must be empty: move or delete its workspaces first. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
      {adminsOf ? (
        <CostCenterAdminsDialog costCenter={adminsOf} onChanged={changed} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}
