import { useState } from "react";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

type Props = {
  title: string;
  submitLabel: string;
  initialName?: string;
  onSave: (name: string) => Promise<void>;
  onClose: () => void;
};

/** Creating or renaming a cost center: both only ask for its name. */
export function CostCenterNameDialog({ title, submitLabel, initialName = "", onSave, onClose }: Props) {
  const [name, setName] = useState(initialName);
  const submit = useSubmit(() => onSave(name.trim()), ["name"]);
  return (
    <FormDialog
      title={title}
      submitLabel={submitLabel}
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="cost-center-name"
        label="Cost center name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
        hint="For example a department or a project that pays for its own workspaces."
      />
    </FormDialog>
  );
}
