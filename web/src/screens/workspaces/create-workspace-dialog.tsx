import { useState } from "react";
import type { CostCenter, Workspace } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { IconPicker } from "./icon-picker.tsx";
import { defaultWorkspaceIcon } from "./workspace-icons.ts";

type Props = {
  orgId: string;
  costCenters: CostCenter[];
  initialCostCenterId: string;
  onCreated: (workspace: Workspace) => void;
  onClose: () => void;
};

/** A team workspace: its name, the cost center that pays for it (fixed afterwards) and an icon. */
export function CreateWorkspaceDialog({
  orgId,
  costCenters,
  initialCostCenterId,
  onCreated,
  onClose,
}: Props) {
  const api = useApi();
  const [name, setName] = useState("");
  const [costCenterId, setCostCenterId] = useState(initialCostCenterId);
  const [icon, setIcon] = useState<string>(defaultWorkspaceIcon);
  const submit = useSubmit(async () => {
    onCreated(await api.workspaces.create(orgId, { name: name.trim(), costCenterId, icon }));
  }, ["name", "costCenterId", "icon"]);

  return (
    <FormDialog
      title="Create team workspace"
      submitLabel="Create workspace"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="workspace-name"
        label="Workspace name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
      />
      <SelectField
        id="workspace-cost-center"
        label="Cost center"
        value={costCenterId}
        onChange={setCostCenterId}
        options={costCenters.map((c) => ({ value: c.id, label: c.name }))}
        error={submit.fieldError("costCenterId")}
        hint="The cost center pays for the workspace; it cannot be changed later."
      />
      <IconPicker name="workspace-icon" value={icon} onChange={setIcon} error={submit.fieldError("icon")} />
    </FormDialog>
  );
}
