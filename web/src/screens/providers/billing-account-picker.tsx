import type { BillingAccountRow } from "../billing-accounts/billing-accounts-data.ts";
import { countryName } from "../billing-accounts/billing-accounts-data.ts";
import { Link } from "../../routing/link.tsx";
import { formatDate } from "../../ui/format-time.ts";
import { SelectField } from "../../ui/select-field.tsx";

type Props = {
  id: string;
  /** The accounts that may pay in this workspace: the organization's and its cost center's. */
  rows: BillingAccountRow[];
  value: string;
  onChange: (billingAccountId: string) => void;
  error?: string | undefined;
  disabled?: boolean;
};

/** The first eligible account whose terms are accepted, else the first eligible one. */
export function preferredAccount(rows: BillingAccountRow[]): string {
  const eligible = rows.filter((r) => r.account.eligibility.eligible);
  return (eligible.find((r) => r.terms.kind === "accepted") ?? eligible[0])?.account.id ?? "";
}

/** Choosing the billing account an optimized provider is billed to, with its terms status and a way to fix it. */
export function BillingAccountPicker({ id, rows, value, onChange, error, disabled }: Props) {
  const eligible = rows.filter((r) => r.account.eligibility.eligible);
  if (eligible.length === 0) {
    return (
      <div className="alert alert-warning" role="note" data-testid="no-billing-account">
        No eligible partner cloud account is connected for this workspace.{" "}
        <Link to="/billing-accounts">Connect one under Billing accounts</Link>, accept its terms, then come
        back.
      </div>
    );
  }
  const chosen = rows.find((r) => r.account.id === value);
  return (
    <>
      <SelectField
        id={id}
        label="Billing account"
        value={value}
        onChange={onChange}
        disabled={disabled}
        error={error}
        options={[
          ...(chosen ? [] : [{ value: "", label: "Choose a billing account…" }]),
          ...rows.map((r) => ({
            value: r.account.id,
            label: `${r.account.alias} · ${r.account.name} · ${countryName(r.account.country)}${
              r.account.eligibility.eligible ? "" : " (not eligible)"
            }`,
          })),
        ]}
        hint="Azure usage of this provider is billed monthly to this partner cloud account."
      />
      {chosen && !chosen.account.eligibility.eligible ? (
        <div className="alert alert-error" role="alert">
          {chosen.account.eligibility.reasons.map((r) => r.message).join(" ")}
        </div>
      ) : null}
      {chosen && chosen.account.eligibility.eligible ? (
        chosen.terms.kind === "accepted" ? (
          <p className="terms-ok" data-testid="terms-ok">
            ✓ Terms accepted for {chosen.account.alias} (partner terms v
            {chosen.terms.acceptance.partnerTermsVersion}, Microsoft Customer Agreement v
            {chosen.terms.acceptance.customerAgreementVersion},{" "}
            {formatDate(chosen.terms.acceptance.acceptedAt)}).
          </p>
        ) : (
          <div className="alert alert-warning" role="note" data-testid="terms-missing">
            {chosen.terms.kind === "outdated"
              ? `New versions of the terms were published since they were accepted for ${chosen.account.alias}.`
              : `The terms are not accepted yet for ${chosen.account.alias}.`}{" "}
            <Link to={`/billing-accounts/${chosen.account.id}/terms`}>Review and accept terms</Link>
          </div>
        )
      ) : null}
    </>
  );
}
