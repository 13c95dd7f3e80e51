import { useState } from "react";
import type { Session } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { PublicCard } from "../public/public-card.tsx";

const fields = ["partnerName", "name", "email", "password"] as const;

/** First run: names the partner and creates the first operator account, then signs in. */
export function SetupPage({ onSignedIn }: { onSignedIn: (session: Session, partnerName: string) => void }) {
  const api = useApi();
  const [partnerName, setPartnerName] = useState("");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submit = useSubmit(async () => {
    const session = await api.session.completeSetup({
      partnerName: partnerName.trim(),
      name: name.trim(),
      email: email.trim(),
      password,
    });
    onSignedIn(session, partnerName.trim());
  }, fields);

  return (
    <PublicCard
      title="Set up Partner Cloud"
      subtitle="Name your partner company and create the first operator account. Operators create organizations and invite their administrators."
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
          id="setup-partner-name"
          label="Partner name"
          value={partnerName}
          onChange={setPartnerName}
          error={submit.fieldError("partnerName")}
          autoComplete="organization"
          required
        />
        <TextField
          id="setup-name"
          label="Your name"
          value={name}
          onChange={setName}
          error={submit.fieldError("name")}
          autoComplete="name"
          required
        />
        <TextField
          id="setup-email"
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          error={submit.fieldError("email")}
          autoComplete="email"
          required
        />
        <TextField
          id="setup-password"
          label="Password"
          type="password"
          value={password}
          onChange={setPassword}
          error={submit.fieldError("password")}
          hint="At least 12 characters."
          autoComplete="new-password"
          required
        />
        <button type="submit" className="btn btn-primary btn-block" disabled={submit.submitting}>
          {submit.submitting ? "Creating…" : "Create operator account"}
        </button>
      </form>
    </PublicCard>
  );
}
