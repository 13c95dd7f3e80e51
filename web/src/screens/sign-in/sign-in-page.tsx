import { useState } from "react";
import type { Session } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { PublicCard } from "../public/public-card.tsx";

const fields = ["email", "password"] as const;

export function SignInPage({
  partnerName,
  onSignedIn,
}: {
  partnerName: string | null;
  onSignedIn: (session: Session) => void;
}) {
  const api = useApi();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    onSignedIn(await api.session.signIn(email.trim(), password));
  }, fields);

  return (
    <PublicCard title="Sign in" subtitle={partnerName ? `to the ${partnerName} console` : undefined}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run();
        }}
      >
        <FormError message={submit.formError} />
        <TextField
          id="sign-in-email"
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          error={submit.fieldError("email")}
          autoComplete="username"
          required
        />
        <TextField
          id="sign-in-password"
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          error={submit.fieldError("password")}
          autoComplete="current-password"
          required
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.submitting}>
          {submit.submitting ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p className="public-note">New here? Ask your administrator for an invitation; it arrives by e-mail.</p>
    </PublicCard>
  );
}
