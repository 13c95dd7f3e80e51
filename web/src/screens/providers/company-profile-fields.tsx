import { TextField } from "../../ui/text-field.tsx";

export type CompanyProfile = {
  companyName: string;
  domainPrefix: string;
  addressLine1: string;
  addressLine2: string;
  city: string;
  state: string;
  postalCode: string;
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber: string;
};

type Props = {
  value: CompanyProfile;
  onChange: (change: Partial<CompanyProfile>) => void;
  /** The billing account's country: the customer's address must be in it. */
  country: string;
  countryLabel: string;
  fieldError: (path: string) => string | undefined;
};

/** The paths of the API's request body these fields fill, for showing its messages next to them. */
export const companyProfilePaths = [
  "customer.companyName",
  "customer.domainPrefix",
  "customer.address.addressLine1",
  "customer.address.addressLine2",
  "customer.address.city",
  "customer.address.state",
  "customer.address.postalCode",
  "customer.address.country",
  "customer.contact.firstName",
  "customer.contact.lastName",
  "customer.contact.email",
  "customer.contact.phoneNumber",
] as const;

/** The company Microsoft creates the Azure customer for: name, directory domain, address and contact. */
export function CompanyProfileFields({ value, onChange, country, countryLabel, fieldError }: Props) {
  return (
    <fieldset className="field profile" data-testid="company-profile">
      <legend>Company profile</legend>
      <p className="field-hint">
        Your organization has no Azure customer yet: this provider creates it. Microsoft needs the company's
        details; they cannot be changed here later.
      </p>
      <TextField
        id="customer-company-name"
        label="Company name"
        value={value.companyName}
        onChange={(companyName) => onChange({ companyName })}
        error={fieldError("customer.companyName")}
      />
      <div className="field">
        <label htmlFor="customer-domain-prefix">Domain prefix (optional)</label>
        <div className="input-suffix">
          <input
            id="customer-domain-prefix"
            value={value.domainPrefix}
            onChange={(e) => onChange({ domainPrefix: e.target.value })}
            aria-invalid={fieldError("customer.domainPrefix") ? true : undefined}
            aria-describedby="customer-domain-prefix-hint"
          />
          <span aria-hidden="true">.onmicrosoft.com</span>
        </div>
        {fieldError("customer.domainPrefix") ? (
          <p className="field-error" role="alert">
            {fieldError("customer.domainPrefix")}
          </p>
        ) : (
          <p className="field-hint" id="customer-domain-prefix-hint">
            The directory's domain is &lt;prefix&gt;.onmicrosoft.com. Leave it empty to let Partner Cloud
            choose one from the company name.
          </p>
        )}
      </div>
      <div className="form-grid">
        <TextField
          id="customer-address-line1"
          label="Address line 1"
          value={value.addressLine1}
          onChange={(addressLine1) => onChange({ addressLine1 })}
          error={fieldError("customer.address.addressLine1")}
        />
        <TextField
          id="customer-address-line2"
          label="Address line 2 (optional)"
          value={value.addressLine2}
          onChange={(addressLine2) => onChange({ addressLine2 })}
          error={fieldError("customer.address.addressLine2")}
        />
        <TextField
          id="customer-city"
          label="City"
          value={value.city}
          onChange={(city) => onChange({ city })}
          error={fieldError("customer.address.city")}
        />
        <TextField
          id="customer-state"
          label="State or province"
          value={value.state}
          onChange={(state) => onChange({ state })}
          error={fieldError("customer.address.state")}
          hint="Required in some countries, such as the United States and Canada."
        />
        <TextField
          id="customer-postal-code"
          label="Postal code"
          value={value.postalCode}
          onChange={(postalCode) => onChange({ postalCode })}
          error={fieldError("customer.address.postalCode")}
        />
        <TextField
          id="customer-country"
          label="Country"
          value={countryLabel}
          onChange={() => undefined}
          readOnly
          data-country={country}
          error={fieldError("customer.address.country")}
          hint="The billing account's country."
        />
      </div>
      <h3>Contact</h3>
      <div className="form-grid">
        <TextField
          id="customer-contact-first-name"
          label="Contact first name"
          value={value.firstName}
          onChange={(firstName) => onChange({ firstName })}
          error={fieldError("customer.contact.firstName")}
        />
        <TextField
          id="customer-contact-last-name"
          label="Contact last name"
          value={value.lastName}
          onChange={(lastName) => onChange({ lastName })}
          error={fieldError("customer.contact.lastName")}
        />
        <TextField
          id="customer-contact-email"
          label="Contact email"
          type="email"
          value={value.email}
          onChange={(email) => onChange({ email })}
          error={fieldError("customer.contact.email")}
        />
        <TextField
          id="customer-contact-phone"
          label="Contact phone (optional)"
          type="tel"
          value={value.phoneNumber}
          onChange={(phoneNumber) => onChange({ phoneNumber })}
          error={fieldError("customer.contact.phoneNumber")}
        />
      </div>
    </fieldset>
  );
}
