import { useState } from "react";
import type { Provider } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import type { BillingAccountRow } from "../billing-accounts/billing-accounts-data.ts";
import { FormError } from "../../ui/form-error.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { BillingAccountPicker, preferredAccount } from "./billing-account-picker.tsx";
import { blameField } from "./provider-labels.ts";
import { ProviderNameField } from "./provider-name-field.tsx";

type Props = {
  workspaceId: string;
  accounts: BillingAccountRow[];
  name: string;
  onNameChange: (name: string) => void;
  onCreated: (provider: Provider) => void;
};

/** Option 2: the customer's existing directory moves under the partner once its administrator accepts. */
export function MigrateTenantForm({ workspaceId, accounts, name, onNameChange, onCreated }: Props) {
  const api = useApi();
  const [billingAccountId, setBillingAccountId] = useState(() => preferredAccount(accounts));
  const [adminEmail, setAdminEmail] = useState("");
  const [primaryDomain, setPrimaryDomain] = useState("");
  const submit = useSubmit(async () => {
    try {
      onCreated(
        await api.providers.create(workspaceId, {
          name: name.trim(),
          option: "migrate-tenant",
          billingAccountId,
          adminEmail: adminEmail.trim(),
          primaryDomain: primaryDomain.trim(),
        }),
      );
    } catch (e) {
      throw blameField(e);
    }
  }, ["name", "billingAccountId", "adminEmail", "primaryDomain"]);

  return (
    <form
      noValidate
      className="wizard-form"
      data-testid="migrate-tenant-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <FormError message={submit.formError} />
      <div className="alert alert-info" role="note" data-testid="migrate-prerequisites">
        <strong>Before you send the request</strong>
        <ul>
          <li>
            Know your Azure administrator: a Global Administrator of your directory must accept the
            partner&apos;s request from the e-mail.
          </li>
          <li>
            If your directory already has another reseller partner, that relationship may have to be ended
            first; Microsoft tells your administrator when they accept.
          </li>
          <li>
            Subscriptions that are not basic pay-as-you-go (for example under an Enterprise Agreement) cannot
            move as they are: the partner&apos;s technical account manager helps move their resources into a
            new subscription, and their current Microsoft pricing ends.
          </li>
        </ul>
      </div>
      <fieldset className="plain-fieldset">
        <ProviderNameField
          value={name}
          onChange={onNameChange}
          error={submit.fieldError("name")}
          hint="Advice: use the name of the subscription you are moving."
        />
        <BillingAccountPicker
          id="migrate-billing-account"
          rows={accounts}
          value={billingAccountId}
          onChange={setBillingAccountId}
          error={submit.fieldError("billingAccountId")}
        />
        <TextField
          id="migrate-admin-email"
          label="Email for the partner request"
          type="email"
          value={adminEmail}
          onChange={setAdminEmail}
          error={submit.fieldError("adminEmail")}
          hint="Your Azure administrator receives a link there to authorize the partner."
        />
        <TextField
          id="migrate-primary-domain"
          label="Primary Azure domain"
          value={primaryDomain}
          onChange={setPrimaryDomain}
          error={submit.fieldError("primaryDomain")}
          hint="Such as contoso.onmicrosoft.com: the part after @ in your Azure portal sign-in."
        />
        <button type="submit" className="btn btn-primary" disabled={submit.submitting}>
          {submit.submitting ? "Working…" : "Send the partner request"}
        </button>
      </fieldset>
    </form>
  );
}
