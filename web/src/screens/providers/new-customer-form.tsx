import { useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { NewCustomerProfile } from "../../api/providers-api.ts";
import type { AllowedServicesPreset, AzureCustomer, Provider } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useCurrentUser } from "../../session/session-context.ts";
import { countryName, type BillingAccountRow } from "../billing-accounts/billing-accounts-data.ts";
import { FormError } from "../../ui/form-error.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { BillingAccountPicker, preferredAccount } from "./billing-account-picker.tsx";
import { CompanyProfileFields, companyProfilePaths, type CompanyProfile } from "./company-profile-fields.tsx";
import { blameField } from "./provider-labels.ts";
import { ProviderNameField } from "./provider-name-field.tsx";

export type NewCustomerContext = {
  accounts: BillingAccountRow[];
  /** The organization's Azure customer; null when it has none yet; "unknown" when the caller may not read it. */
  customer: AzureCustomer | null | "unknown";
  /** Null when the partner offers no presets. */
  presets: AllowedServicesPreset[] | null;
  organizationName: string;
};

type Props = {
  workspaceId: string;
  context: NewCustomerContext;
  name: string;
  onNameChange: (name: string) => void;
  onCreated: (provider: Provider) => void;
};

function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { first: parts[0] ?? "", last: "" };
  return { first: parts.slice(0, -1).join(" "), last: parts.at(-1) ?? "" };
}

const optional = (value: string) => (value.trim() ? value.trim() : undefined);

function profileBody(p: CompanyProfile, country: string): NewCustomerProfile {
  const domainPrefix = optional(p.domainPrefix);
  const addressLine2 = optional(p.addressLine2);
  const state = optional(p.state);
  const phoneNumber = optional(p.phoneNumber);
  return {
    companyName: p.companyName.trim(),
    ...(domainPrefix ? { domainPrefix } : {}),
    address: {
      addressLine1: p.addressLine1.trim(),
      ...(addressLine2 ? { addressLine2 } : {}),
      city: p.city.trim(),
      ...(state ? { state } : {}),
      postalCode: p.postalCode.trim(),
      country,
    },
    contact: {
      firstName: p.firstName.trim(),
      lastName: p.lastName.trim(),
      email: p.email.trim(),
      ...(phoneNumber ? { phoneNumber } : {}),
    },
  };
}

/**
 * Option 3: Partner Cloud creates the organization's Azure customer (the first time, from the company profile)
 * and a subscription named after the provider, billed to a connected partner cloud account.
 */
export function NewCustomerForm({ workspaceId, context, name, onNameChange, onCreated }: Props) {
  const api = useApi();
  const me = useCurrentUser();
  const [billingAccountId, setBillingAccountId] = useState(() => preferredAccount(context.accounts));
  const [preset, setPreset] = useState(
    () => (context.presets?.find((p) => p.isDefault) ?? context.presets?.[0])?.id ?? "",
  );
  const [profileAsked, setProfileAsked] = useState(context.customer === null);
  const [profile, setProfile] = useState<CompanyProfile>(() => {
    const { first, last } = splitName(me.name);
    return {
      companyName: context.organizationName,
      domainPrefix: "",
      addressLine1: "",
      addressLine2: "",
      city: "",
      state: "",
      postalCode: "",
      firstName: first,
      lastName: last,
      email: me.email,
      phoneNumber: "",
    };
  });

  const chosen = context.accounts.find((r) => r.account.id === billingAccountId)?.account;
  const country = chosen?.country ?? "";
  const presets = context.presets && context.presets.length > 0 ? context.presets : null;

  const submit = useSubmit(async () => {
    try {
      onCreated(
        await api.providers.create(workspaceId, {
          name: name.trim(),
          option: "new-customer",
          billingAccountId,
          ...(presets && preset ? { allowedServices: preset } : {}),
          ...(profileAsked ? { customer: profileBody(profile, country) } : {}),
        }),
      );
    } catch (e) {
      const blamed = blameField(e);
      if (!profileAsked && hasCustomerField(blamed)) setProfileAsked(true);
      throw blamed;
    }
  }, ["name", "billingAccountId", "allowedServices", ...companyProfilePaths]);

  return (
    <form
      noValidate
      className="wizard-form"
      data-testid="new-customer-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run();
      }}
    >
      <FormError message={submit.formError} />
      <ProviderNameField
        value={name}
        onChange={onNameChange}
        error={submit.fieldError("name")}
        hint="It becomes the name of the new Azure subscription."
      />
      <BillingAccountPicker
        id="new-customer-billing-account"
        rows={context.accounts}
        value={billingAccountId}
        onChange={setBillingAccountId}
        error={submit.fieldError("billingAccountId")}
      />
      {presets ? (
        <SelectField
          id="allowed-services"
          label="Allowed Azure services"
          value={preset}
          onChange={setPreset}
          options={presets.map((p) => ({ value: p.id, label: p.label }))}
          error={submit.fieldError("allowedServices")}
          hint={
            presets.find((p) => p.id === preset)?.description ??
            "The Azure services people may create in the new subscription."
          }
        />
      ) : null}
      {context.customer && context.customer !== "unknown" ? (
        <p className="field-hint" data-testid="existing-customer">
          Your organization's Azure customer {context.customer.companyName} (
          <code>{context.customer.domain}</code>) already exists: this provider adds a new subscription to it.
        </p>
      ) : null}
      {profileAsked ? (
        <CompanyProfileFields
          value={profile}
          onChange={(change) => setProfile((p) => ({ ...p, ...change }))}
          country={country}
          countryLabel={country ? countryName(country) : "Choose a billing account first"}
          fieldError={submit.fieldError}
        />
      ) : null}
      <p className="field-hint">
        Creating the account takes at least two minutes. You can follow each step on the provider's page.
      </p>
      <button
        type="submit"
        className="btn btn-primary"
        disabled={submit.submitting || !context.accounts.some((r) => r.account.eligibility.eligible)}
      >
        {submit.submitting ? "Working…" : "Create provider"}
      </button>
    </form>
  );
}

/** The server asks for the company profile after all (the organization's customer was not visible before). */
function hasCustomerField(e: unknown): boolean {
  return (
    e instanceof ApiError && e.fields.some((f) => f.path === "customer" || f.path.startsWith("customer."))
  );
}
