import { useState } from "react";
import type { Invitation, Workspace } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { workspaceRoleLabel } from "../workspaces/workspace-roles.ts";

type Props = { invitations: Invitation[]; workspaces: Workspace[]; onChanged: () => Promise<void> };

/** Invitations that have not been accepted yet, with a way to take them back. */
export function InvitationsSection({ invitations, workspaces, onChanged }: Props) {
  const api = useApi();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const pending = invitations.filter((i) => i.status === "pending");
  const wsName = new Map(workspaces.map((w) => [w.id, w.name]));

  return (
    <section className="card">
      <h2>Pending invitations</h2>
      {pending.length === 0 ? (
        <p className="empty-inline">No pending invitations. Use “Invite user” to bring someone in.</p>
      ) : (
        <table className="table" data-testid="invitations-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Organization role</th>
              <th>Workspace</th>
              <th>Expires</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {pending.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.orgRole === "admin" ? "Administrator" : "Member"}</td>
                <td>
                  {i.workspaceId ? (
                    <>
                      {wsName.get(i.workspaceId) ?? i.workspaceId}
                      {i.workspaceRole ? (
                        <span className="muted"> · {workspaceRoleLabel[i.workspaceRole]}</span>
                      ) : null}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{formatDateTime(i.expiresAt)}</td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    onClick={() => setRevoking(i)}
                    aria-label={`Revoke invitation for ${i.email}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking ? (
        <ConfirmDialog
          title="Revoke invitation?"
          confirmLabel="Revoke"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api.invitations.revoke(revoking.id);
            await onChanged();
          }}
        >
          <p>The link sent to {revoking.email} will stop working.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
