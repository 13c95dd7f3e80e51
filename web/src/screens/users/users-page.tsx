import { useState } from "react";
import type { User } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useScope } from "../../scope/scope-context.ts";
import { useCurrentUser } from "../../session/session-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { InvitationsSection } from "./invitations-section.tsx";
import { InviteUserDialog } from "./invite-user-dialog.tsx";

/** The organization's people: roles, status, invitations. */
export function UsersPage() {
  const api = useApi();
  const me = useCurrentUser();
  const { orgId, permissions } = useScope();
  const manage = permissions.canManageUsers;
  const key = orgId ?? "";
  const users = useLoad(() => (orgId ? api.users.list(orgId) : Promise.resolve([])), key);
  const invitations = useLoad(
    () => (orgId && manage ? api.invitations.list(orgId) : Promise.resolve([])),
    `${key}/${String(manage)}`,
  );
  const workspaces = useLoad(
    () => (orgId && manage ? api.workspaces.list(orgId) : Promise.resolve([])),
    `${key}/${String(manage)}`,
  );
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const update = useSubmit(async (user: User, change: "admin" | "member" | "disable" | "enable") => {
    if (change === "disable") await api.users.disable(user.id);
    else if (change === "enable") await api.users.enable(user.id);
    else await api.users.update(user.id, { orgRole: change });
    await users.reload();
  });

  return (
    <>
      <PageHeader
        title="Users"
        subtitle="People in this organization, their role and whether they can sign in."
        actions={
          manage ? (
            <button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>
              Invite user
            </button>
          ) : null
        }
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <FormError message={update.formError} />
      {users.error ? <LoadError error={users.error} onRetry={() => void users.reload()} /> : null}
      {users.data && users.data.length === 0 ? (
        <EmptyState title="No users yet">
          <p>
            {manage
              ? "Invite the first user with “Invite user”; people appear here once they accept."
              : "An organization administrator invites users."}
          </p>
        </EmptyState>
      ) : null}
      {users.data && users.data.length > 0 ? (
        <table className="table" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Email</th>
              <th>Organization role</th>
              <th>Status</th>
              {manage ? <th aria-label="Actions" /> : null}
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => {
              const self = u.id === me.id;
              return (
                <tr key={u.id}>
                  <td>
                    {u.name}
                    {self ? <span className="badge">You</span> : null}
                  </td>
                  <td>{u.email}</td>
                  <td>
                    {manage && !self ? (
                      <select
                        aria-label={`Organization role of ${u.name}`}
                        value={u.orgRole ?? "member"}
                        disabled={update.submitting}
                        onChange={(e) => void update.run(u, e.target.value === "admin" ? "admin" : "member")}
                      >
                        <option value="member">Member</option>
                        <option value="admin">Administrator</option>
                      </select>
                    ) : u.orgRole === "admin" ? (
                      "Administrator"
                    ) : (
                      "Member"
                    )}
                  </td>
                  <td>
                    <span className={u.status === "active" ? "badge badge-ok" : "badge badge-off"}>
                      {u.status === "active" ? "Active" : "Disabled"}
                    </span>
                  </td>
                  {manage ? (
                    <td className="row-actions">
                      {self ? null : (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={update.submitting}
                          onClick={() => void update.run(u, u.status === "active" ? "disable" : "enable")}
                        >
                          {u.status === "active" ? "Disable" : "Enable"}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {manage ? (
        invitations.error ? (
          <LoadError error={invitations.error} onRetry={() => void invitations.reload()} />
        ) : (
          <InvitationsSection
            invitations={invitations.data ?? []}
            workspaces={workspaces.data ?? []}
            onChanged={invitations.reload}
          />
        )
      ) : null}
      {inviting && orgId ? (
        <InviteUserDialog
          orgId={orgId}
          workspaces={workspaces.data ?? []}
          onClose={() => setInviting(false)}
          onInvited={(invitation) => {
            setInviting(false);
            setNotice(`Invitation sent to ${invitation.email}.`);
            void invitations.reload();
          }}
        />
      ) : null}
    </>
  );
}
