import { useState } from "react";
import type { User, WorkspaceRole } from "../../api/types.ts";
import { FormError } from "../../ui/form-error.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { isWorkspaceRole, workspaceRoleOptions } from "./workspace-roles.ts";

type Props = { candidates: User[]; onAdd: (userId: string, role: WorkspaceRole) => Promise<void> };

/** Adds an organization user to the workspace with a role. */
export function AddMemberForm({ candidates, onAdd }: Props) {
  const [userId, setUserId] = useState("");
  const [role, setRole] = useState<WorkspaceRole>("user");
  const submit = useSubmit(async () => {
    if (!userId) return;
    await onAdd(userId, role);
    setUserId("");
  }, ["role"]);

  return (
    <form
      className="inline-form"
      data-testid="add-member-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <FormError message={submit.formError} />
      <SelectField
        id="member-user"
        label="User"
        value={userId}
        onChange={setUserId}
        options={[
          { value: "", label: candidates.length ? "Choose a user…" : "No other users to add" },
          ...candidates.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` })),
        ]}
      />
      <SelectField
        id="member-role"
        label="Role"
        value={role}
        onChange={(v) => {
          if (isWorkspaceRole(v)) setRole(v);
        }}
        options={workspaceRoleOptions}
        error={submit.fieldError("role")}
      />
      <button type="submit" className="btn btn-primary" disabled={submit.submitting || !userId}>
        Add member
      </button>
    </form>
  );
}
