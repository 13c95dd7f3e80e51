import { useState } from "react";
import type { Organization } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

export function CreateOrganizationDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (org: Organization) => void;
}) {
  const api = useApi();
  const [name, setName] = useState("");
  const submit = useSubmit(async () => {
    onCreated(await api.organizations.create(name.trim()));
  }, ["name"]);
  return (
    <FormDialog
      title="Create organization"
      submitLabel="Create organization"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="organization-name"
        label="Organization name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
        hint="The customer's name. A “Default” cost center is created with it."
      />
    </FormDialog>
  );
}
