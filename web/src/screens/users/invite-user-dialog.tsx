import { useState } from "react";
import type { Invitation, OrgRole, Workspace, WorkspaceRole } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { isWorkspaceRole, workspaceRoleOptions } from "../workspaces/workspace-roles.ts";

type Props = {
  orgId: string;
  workspaces: Workspace[];
  onInvited: (invitation: Invitation) => void;
  onClose: () => void;
};

const orgRoleOptions = [
  { value: "member", label: "Member — works in the workspaces they are added to" },
  { value: "admin", label: "Administrator — manages the whole organization" },
];

/** Invites someone by e-mail into the organization, optionally straight into a workspace. */
export function InviteUserDialog({ orgId, workspaces, onInvited, onClose }: Props) {
  const api = useApi();
  const [email, setEmail] = useState("");
  const [orgRole, setOrgRole] = useState<OrgRole>("member");
  const [workspaceId, setWorkspaceId] = useState("");
  const [workspaceRole, setWorkspaceRole] = useState<WorkspaceRole>("user");
  const submit = useSubmit(async () => {
    const invitation = await api.invitations.create(orgId, {
      email: email.trim(),
      orgRole,
      ...(workspaceId ? { workspaceId, workspaceRole } : {}),
    });
    onInvited(invitation);
  }, ["email", "orgRole", "workspaceId", "workspaceRole"]);

  const teamWorkspaces = workspaces.filter((w) => w.kind === "team");
  return (
    <FormDialog
      title="Invite user"
      submitLabel="Send invitation"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="invite-email"
        label="Email"
        type="email"
        value={email}
        onChange={setEmail}
        error={submit.fieldError("email")}
        hint="They receive a link to choose their name and password."
      />
      <SelectField
        id="invite-org-role"
        label="Organization role"
        value={orgRole}
        onChange={(v) => setOrgRole(v === "admin" ? "admin" : "member")}
        options={orgRoleOptions}
        error={submit.fieldError("orgRole")}
      />
      <SelectField
        id="invite-workspace"
        label="Workspace (optional)"
        value={workspaceId}
        onChange={setWorkspaceId}
        options={[
          { value: "", label: "No workspace" },
          ...teamWorkspaces.map((w) => ({ value: w.id, label: w.name })),
        ]}
        error={submit.fieldError("workspaceId")}
      />
      {workspaceId ? (
        <SelectField
          id="invite-workspace-role"
          label="Workspace role"
          value={workspaceRole}
          onChange={(v) => {
            if (isWorkspaceRole(v)) setWorkspaceRole(v);
          }}
          options={workspaceRoleOptions}
          error={submit.fieldError("workspaceRole")}
        />
      ) : null}
    </FormDialog>
  );
}
