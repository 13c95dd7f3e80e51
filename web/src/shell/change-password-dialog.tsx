import { useState } from "react";
import { useApi } from "../app/api-context.ts";
import { FormDialog } from "../ui/form-dialog.tsx";
import { TextField } from "../ui/text-field.tsx";
import { useSubmit } from "../ui/use-submit.ts";

const fields = ["currentPassword", "newPassword"] as const;

/** Changes the signed-in user's password; the server ends their other sessions. */
export function ChangePasswordDialog({ onClose, onChanged }: { onClose: () => void; onChanged: () => void }) {
  const api = useApi();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const submit = useSubmit(async () => {
    await api.me.changePassword(current, next);
    onChanged();
    onClose();
  }, fields);

  return (
    <FormDialog
      title="Change password"
      submitLabel="Change password"
      submitting={submit.submitting}
      formError={submit.formError}
      onClose={onClose}
      onSubmit={() => {
        const differs = next !== repeat;
        setMismatch(differs);
        if (!differs) void submit.run();
      }}
    >
      <TextField
        id="current-password"
        label="Current password"
        type="password"
        value={current}
        onChange={setCurrent}
        error={submit.fieldError("currentPassword")}
        autoComplete="current-password"
      />
      <TextField
        id="new-password"
        label="New password"
        type="password"
        value={next}
        onChange={setNext}
        error={submit.fieldError("newPassword")}
        hint="At least 12 characters. Your other sessions will be signed out."
        autoComplete="new-password"
      />
      <TextField
        id="repeat-password"
        label="Repeat new password"
        type="password"
        value={repeat}
        onChange={setRepeat}
        error={mismatch ? "The two new passwords differ. Type the same password twice." : undefined}
        autoComplete="new-password"
      />
    </FormDialog>
  );
}
