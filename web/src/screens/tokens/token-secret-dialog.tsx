import type { CreatedToken } from "../../api/types.ts";
import { CopyButton } from "../../ui/copy-button.tsx";
import { Dialog } from "../../ui/dialog.tsx";

/** Shows a new token's secret, the only time it is visible. */
export function TokenSecretDialog({ created, onClose }: { created: CreatedToken; onClose: () => void }) {
  return (
    <Dialog
      title={`Token “${created.token.name}” created`}
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          I have copied it
        </button>
      }
    >
      <div className="alert alert-warning" role="note">
        Copy the secret now. <strong>You will not see it again</strong>: Partner Cloud keeps only a hash of
        it.
      </div>
      <div className="secret">
        <code data-testid="token-secret">{created.secret}</code>
        <CopyButton text={created.secret} />
      </div>
      <p className="field-hint">
        Send it as <code>Authorization: Bearer &lt;secret&gt;</code>. Revoke the token here if it leaks.
      </p>
    </Dialog>
  );
}
