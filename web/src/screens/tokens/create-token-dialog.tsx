import { useState } from "react";
import type { CreatedToken, TokenScope } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

const scopeOptions = [
  { value: "read", label: "Read — may only read" },
  { value: "write", label: "Write — may read and change, like you" },
];

export function CreateTokenDialog({
  onCreated,
  onClose,
}: {
  onCreated: (created: CreatedToken) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const [name, setName] = useState("");
  const [scope, setScope] = useState<TokenScope>("read");
  const [days, setDays] = useState("");
  const [daysError, setDaysError] = useState<string | undefined>();
  const submit = useSubmit(async () => {
    const trimmed = days.trim();
    const expiresInDays = trimmed ? Number(trimmed) : undefined;
    onCreated(
      await api.me.createToken({
        name: name.trim(),
        scope,
        ...(expiresInDays === undefined ? {} : { expiresInDays }),
      }),
    );
  }, ["name", "scope", "expiresInDays"]);

  function send() {
    const trimmed = days.trim();
    const n = Number(trimmed);
    const bad = trimmed !== "" && (!Number.isInteger(n) || n < 1 || n > 3650);
    setDaysError(
      bad ? "Enter a whole number of days from 1 to 3650, or leave it empty for no expiry." : undefined,
    );
    if (!bad) void submit.run();
  }

  return (
    <FormDialog
      title="Create API token"
      submitLabel="Create token"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={send}
      onClose={onClose}
    >
      <TextField
        id="token-name"
        label="Name"
        value={name}
        onChange={setName}
        error={submit.fieldError("name")}
        hint="Say what uses it, e.g. “billing export script”."
      />
      <SelectField
        id="token-scope"
        label="Scope"
        value={scope}
        onChange={(v) => setScope(v === "write" ? "write" : "read")}
        options={scopeOptions}
        error={submit.fieldError("scope")}
      />
      <TextField
        id="token-expiry"
        label="Expires after (days, optional)"
        inputMode="numeric"
        value={days}
        onChange={setDays}
        error={daysError ?? submit.fieldError("expiresInDays")}
        hint="Leave empty for a token that does not expire."
      />
    </FormDialog>
  );
}
