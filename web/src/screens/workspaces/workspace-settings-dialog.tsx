import { useState } from "react";
import type { Workspace } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { IconPicker } from "./icon-picker.tsx";
import { defaultWorkspaceIcon, isWorkspaceIconName } from "./workspace-icons.ts";

/** Renames a workspace or changes its icon; its cost center stays. */
export function WorkspaceSettingsDialog({
  workspace,
  onSaved,
  onClose,
}: {
  workspace: Workspace;
  onSaved: () => Promise<void>;
  onClose: () => void;
}) {
  const api = useApi();
  const [name, setName] = useState(workspace.name);
  const [icon, setIcon] = useState<string>(
    workspace.icon && isWorkspaceIconName(workspace.icon) ? workspace.icon : defaultWorkspaceIcon,
  );
  const submit = useSubmit(async () => {
    await api.workspaces.update(workspace.id, { name: name.trim(), icon });
    await onSaved();
    onClose();
  }, ["name", "icon"]);
  return (
    <FormDialog
      title="Workspace settings"
      submitLabel="Save"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="workspace-rename"
        label="Workspace name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
      />
      <IconPicker
        name="workspace-rename-icon"
        value={icon}
        onChange={setIcon}
        error={submit.fieldError("icon")}
      />
    </FormDialog>
  );
}
