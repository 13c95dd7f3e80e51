import { useState } from "react";
import type { Provider, ShutdownRequest } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextAreaField } from "../../ui/text-area-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { blameField } from "./provider-labels.ts";

type RenameProps = { provider: Provider; onRenamed: (p: Provider) => void; onClose: () => void };

export function RenameProviderDialog({ provider, onRenamed, onClose }: RenameProps) {
  const api = useApi();
  const [name, setName] = useState(provider.name);
  const submit = useSubmit(async () => {
    try {
      onRenamed(await api.providers.rename(provider.id, name.trim()));
    } catch (e) {
      throw blameField(e);
    }
  }, ["name"]);
  return (
    <FormDialog
      title={`Rename ${provider.name}`}
      submitLabel="Save"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
    >
      <TextField
        id="provider-rename"
        label="Provider name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
        hint="Only Partner Cloud's name changes; the Azure subscription keeps its name."
      />
    </FormDialog>
  );
}

type ShutdownProps = { provider: Provider; onRequested: (r: ShutdownRequest) => void; onClose: () => void };

/** Asks the partner to turn the Azure customer account off: deleting the provider does not. */
export function ShutdownRequestDialog({ provider, onRequested, onClose }: ShutdownProps) {
  const api = useApi();
  const [reason, setReason] = useState("");
  const submit = useSubmit(async () => {
    onRequested(await api.providers.requestShutdown(provider.id, reason.trim()));
  }, ["reason"]);
  return (
    <FormDialog
      title="Request account shutdown"
      submitLabel="Send request"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      danger
    >
      <p className="muted">
        The partner's support desk turns off the Azure account behind {provider.name}
        {provider.azure.subscriptionName ? ` (subscription ${provider.azure.subscriptionName})` : ""} and
        stops its charges. The request names you as the requester; they may contact you to confirm.
      </p>
      <TextAreaField
        id="shutdown-reason"
        label="Reason"
        value={reason}
        onChange={setReason}
        error={submit.fieldError("reason")}
        hint="For example: the project ended on 30 June."
      />
    </FormDialog>
  );
}
