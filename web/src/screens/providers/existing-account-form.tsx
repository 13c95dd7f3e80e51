import { useState } from "react";
import type { Provider } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { blameField } from "./provider-labels.ts";
import { ProviderNameField } from "./provider-name-field.tsx";

type Props = {
  workspaceId: string;
  name: string;
  onNameChange: (name: string) => void;
  onCreated: (provider: Provider) => void;
};

/** Option 1: a subscription the customer already has, reached with an app registration of their directory. */
export function ExistingAccountForm({ workspaceId, name, onNameChange, onCreated }: Props) {
  const api = useApi();
  const [tenant, setTenant] = useState("");
  const [subscriptionId, setSubscriptionId] = useState("");
  const [clientId, setClientId] = useState("");
  const [clientSecret, setClientSecret] = useState("");
  const submit = useSubmit(async () => {
    try {
      const created = await api.providers.create(workspaceId, {
        name: name.trim(),
        option: "existing-account",
        tenant: tenant.trim(),
        subscriptionId: subscriptionId.trim(),
        clientId: clientId.trim(),
        clientSecret,
      });
      setClientSecret("");
      onCreated(created);
    } catch (e) {
      throw blameField(e);
    }
  }, ["name", "tenant", "subscriptionId", "clientId", "clientSecret"]);

  return (
    <form
      noValidate
      className="wizard-form"
      data-testid="existing-account-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <FormError message={submit.formError} />
      <ProviderNameField value={name} onChange={onNameChange} error={submit.fieldError("name")} />
      <TextField
        id="azure-tenant"
        label="Tenant"
        value={tenant}
        onChange={setTenant}
        error={submit.fieldError("tenant")}
        hint="The directory (tenant) id or its domain, such as contoso.onmicrosoft.com (Microsoft Entra ID → Overview)."
      />
      <TextField
        id="azure-subscription-id"
        label="Subscription ID"
        value={subscriptionId}
        onChange={setSubscriptionId}
        error={submit.fieldError("subscriptionId")}
        hint="From the Azure portal's Subscriptions page."
      />
      <TextField
        id="azure-client-id"
        label="Application (client) ID"
        value={clientId}
        onChange={setClientId}
        error={submit.fieldError("clientId")}
        hint="From the overview of the app registration that has the Owner role on the subscription."
      />
      <TextField
        id="azure-client-secret"
        label="Client secret"
        type="password"
        autoComplete="off"
        value={clientSecret}
        onChange={setClientSecret}
        error={submit.fieldError("clientSecret")}
        hint="The Value of a client secret of that app registration (not its Secret ID). It is stored encrypted and never shown again."
      />
      <button type="submit" className="btn btn-primary" disabled={submit.submitting}>
        {submit.submitting ? "Checking with Microsoft…" : "Check and add provider"}
      </button>
    </form>
  );
}
