import { useEffect, useState } from "react";
import { pricingApi, type BillingTiming, type SettingsInput } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";

const timings: readonly { value: BillingTiming; label: string; explained: string }[] = [
  {
    value: "estimate",
    label: "Estimate at month end",
    explained:
      "Each month is invoiced at its end from Microsoft's unbilled usage so far; what changes once Microsoft bills the partner goes on the next invoice as an update to the previous month.",
  },
  {
    value: "arrears",
    label: "In arrears",
    explained:
      "A month is invoiced only once Microsoft has billed the partner for it, so the invoice is final and never needs an update, but it comes a month or two later.",
  },
];

/** Operators: how Azure usage appears on invoices (the line's label, the IaaS/SaaS split) and when it is billed. */
export function BillingPolicyPage() {
  const api = pricingApi(useApi().http);
  const settings = useLoad(() => api.settings(), "billing-settings");
  const [form, setForm] = useState<SettingsInput | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (settings.data) setForm(settings.data);
  }, [settings.data]);
  const save = useSubmit(async () => {
    if (!form) return;
    setNotice(null);
    await api.updateSettings({
      label: form.label.trim(),
      splitServices: form.splitServices,
      timing: form.timing,
    });
    setNotice("The billing policy is saved. Invoices drafted from now on follow it.");
    await settings.reload();
  }, ["label", "splitServices", "timing"]);

  if (settings.error) return <LoadError error={settings.error} onRetry={() => void settings.reload()} />;
  if (!form || !settings.data) return <p className="muted">Loading…</p>;
  return (
    <>
      <PageHeader
        title="Billing policy"
        subtitle="How customers' Azure usage appears on the partner cloud invoice, and when each month is billed."
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <form
        noValidate
        className="card billing-policy"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <FormError message={save.formError} />
        <TextField
          id="policy-label"
          label="Invoice line"
          value={form.label}
          onChange={(label) => setForm({ ...form, label })}
          error={save.fieldError("label")}
          hint="The text of the usage line on each invoice, e.g. Integrated Azure Services Usage."
          maxLength={100}
        />
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={form.splitServices}
              onChange={(e) => setForm({ ...form, splitServices: e.target.checked })}
            />{" "}
            Split IaaS and SaaS
          </label>
          <p className="field-hint">
            Two lines instead of one: &ldquo;Integrated Microsoft Azure Services IaaS&rdquo; (compute,
            storage, networking) and &ldquo;… SaaS&rdquo; (every other service), as they may be taxed
            differently.
          </p>
        </div>
        <fieldset className="field">
          <legend>When a month is billed</legend>
          {timings.map((t) => (
            <label key={t.value} className="billing-choice">
              <input
                type="radio"
                name="policy-timing"
                value={t.value}
                checked={form.timing === t.value}
                onChange={() => setForm({ ...form, timing: t.value })}
              />
              <span>
                <strong>{t.label}</strong>
                <span className="muted"> — {t.explained}</span>
              </span>
            </label>
          ))}
          {save.fieldError("timing") ? (
            <p className="field-error" role="alert">
              {save.fieldError("timing")}
            </p>
          ) : null}
        </fieldset>
        <div className="billing-policy-footer">
          <button type="submit" className="btn btn-primary" disabled={save.submitting}>
            {save.submitting ? "Working…" : "Save policy"}
          </button>
          {settings.data.updatedAt ? (
            <span className="muted">
              Last changed {formatDateTime(settings.data.updatedAt)}
              {settings.data.updatedBy ? ` by ${settings.data.updatedBy}` : ""}
            </span>
          ) : null}
        </div>
      </form>
    </>
  );
}
