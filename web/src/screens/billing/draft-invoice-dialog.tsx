import { useState } from "react";
import { invoicesApi, type Invoice } from "../../api/billing-api.ts";
import type { BillingAccount } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { monthFrom } from "./billing-format.ts";

type DraftInvoiceProps = {
  accounts: readonly BillingAccount[];
  onDrafted: (invoice: Invoice) => void;
  onClose: () => void;
};

/** Builds (or rebuilds) a billing account's draft invoice of a month from the usage as rated now. */
export function DraftInvoiceDialog({ accounts, onDrafted, onClose }: DraftInvoiceProps) {
  const api = invoicesApi(useApi().http);
  const [accountId, setAccountId] = useState(accounts[0]?.id ?? "");
  const [period, setPeriod] = useState(() => monthFrom(new Date(), -1));
  const [problem, setProblem] = useState<{ field: string; message: string } | null>(null);
  const submit = useSubmit(async () => {
    if (!accountId) {
      setProblem({ field: "billingAccountId", message: "Choose the billing account to invoice." });
      return;
    }
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
      setProblem({ field: "period", message: "Choose the month to invoice, e.g. 2026-10." });
      return;
    }
    onDrafted(await api.draft(accountId, period));
  }, ["billingAccountId", "period"]);
  const errorOf = (field: string) =>
    (problem?.field === field ? problem.message : undefined) ?? submit.fieldError(field);

  return (
    <FormDialog
      title="Draft invoice for a month"
      submitLabel="Draft invoice"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => {
        setProblem(null);
        void submit.run();
      }}
      onClose={onClose}
    >
      <SelectField
        id="draft-account"
        label="Billing account"
        value={accountId}
        onChange={setAccountId}
        error={errorOf("billingAccountId")}
        options={[
          ...(accountId ? [] : [{ value: "", label: "Choose a billing account…" }]),
          ...accounts.map((a) => ({ value: a.id, label: `${a.alias} · ${a.name}` })),
        ]}
      />
      <TextField
        id="draft-period"
        label="Month"
        type="month"
        value={period}
        onChange={setPeriod}
        error={errorOf("period")}
        hint="The month whose Azure usage the invoice bills. Drafting again rebuilds the draft from the usage as it is now."
      />
    </FormDialog>
  );
}
