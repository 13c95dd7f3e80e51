import { useState } from "react";
import type { Session } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { FormError } from "../../ui/form-error.tsx";
import { LoadError } from "../../ui/load-error.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { PublicCard } from "../public/public-card.tsx";
import { invitationTokenFrom } from "./invitation-token.ts";

const fields = ["name", "password"] as const;

/** Where an invitation link lands: shows who is invited where, then creates the account and signs in. */
export function InvitePage({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const api = useApi();
  const [token] = useState(() => invitationTokenFrom(window.location.hash));
  const preview = useLoad(
    () => (token ? api.invitations.preview(token) : Promise.resolve(null)),
    token ?? "",
  );
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    if (!token) return;
    onSignedIn(await api.invitations.accept(token, name.trim(), password));
  }, fields);

  if (!token) {
    return (
      <PublicCard title="Invitation link incomplete">
        <p>
          This link has no invitation token. Open the link from your invitation e-mail again, or ask for a new
          invitation.
        </p>
        <Link to="/sign-in">Go to sign-in</Link>
      </PublicCard>
    );
  }
  if (preview.error) {
    return (
      <PublicCard title="Invitation not available">
        <LoadError error={preview.error} onRetry={() => void preview.reload()} />
        <Link to="/sign-in">Go to sign-in</Link>
      </PublicCard>
    );
  }
  if (!preview.data) {
    return (
      <PublicCard title="Invitation">
        <p>Loading…</p>
      </PublicCard>
    );
  }
  const invitation = preview.data;
  return (
    <PublicCard
      title={`Join ${invitation.organizationName}`}
      subtitle={
        <>
          You are invited as <strong data-testid="invite-email">{invitation.email}</strong> to{" "}
          <strong data-testid="invite-organization">{invitation.organizationName}</strong>. The invitation is
          valid until {formatDateTime(invitation.expiresAt)}.
        </>
      }
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <FormError message={submit.formError} />
        <TextField
          id="invite-name"
          label="Your name"
          value={name}
          onChange={setName}
          error={submit.fieldError("name")}
          autoComplete="name"
          required
        />
        <TextField
          id="invite-password"
          label="Choose a password"
          type="password"
          value={password}
          onChange={setPassword}
          error={submit.fieldError("password")}
          hint="At least 12 characters."
          autoComplete="new-password"
          required
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.submitting}>
          {submit.submitting ? "Joining…" : "Accept invitation"}
        </button>
      </form>
    </PublicCard>
  );
}
