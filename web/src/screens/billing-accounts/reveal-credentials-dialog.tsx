import { useState } from "react";
import type { AzureCredentials } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { CopyButton } from "../../ui/copy-button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

type Props = { orgId: string; domain: string; onClose: () => void };

/** Confirms it is you (your Partner Cloud password), then shows the Azure administrator's sign-in once. */
export function RevealCredentialsDialog({ orgId, domain, onClose }: Props) {
  const api = useApi();
  const [password, setPassword] = useState("");
  const [credentials, setCredentials] = useState<AzureCredentials | null>(null);
  const submit = useSubmit(async () => {
    const secret = password;
    setPassword("");
    setCredentials(await api.azureCustomer.revealCredentials(orgId, secret));
  }, ["password"]);

  if (!credentials) {
    return (
      <FormDialog
        title="Show the Azure administrator's credentials"
        submitLabel="Show credentials"
        submitting={submit.submitting}
        formError={submit.formError}
        onSubmit={() => void submit.run()}
        onClose={onClose}
      >
        <p className="muted">
          They are shown <strong>once</strong>. Enter your own Partner Cloud password to confirm it is you.
        </p>
        <TextField
          id="reveal-password"
          label="Your Partner Cloud password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={submit.fieldError("password")}
        />
      </FormDialog>
    );
  }
  return (
    <Dialog
      title="Azure administrator credentials"
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          I have stored them
        </button>
      }
    >
      <div className="alert alert-warning" role="note">
        Store these now. <strong>They will not be shown again.</strong> Sign in at https://portal.azure.com
        and change the password when asked.
      </div>
      <p className="field-hint">User name (directory {domain})</p>
      <div className="secret">
        <code data-testid="azure-user-name">{credentials.userName}</code>
        <CopyButton text={credentials.userName} label="Copy user name" />
      </div>
      <p className="field-hint">Password</p>
      <div className="secret">
        <code data-testid="azure-password">{credentials.password}</code>
        <CopyButton text={credentials.password} label="Copy password" />
      </div>
    </Dialog>
  );
}
