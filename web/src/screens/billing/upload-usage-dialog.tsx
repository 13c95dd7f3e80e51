import { useState } from "react";
import { usageApi, type UsageImportDetail, type UsageKind } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { SelectField } from "../../ui/select-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

type UploadProps = { onImported: (imported: UsageImportDetail) => void; onClose: () => void };

const kinds = [
  { value: "unbilled", label: "Unbilled: usage so far, may still change" },
  { value: "billed", label: "Billed: on Microsoft's invoice, makes its months final" },
];

/** Uploads a Partner Center daily rated usage file (CSV) as unbilled or billed usage. */
export function UploadUsageDialog({ onImported, onClose }: UploadProps) {
  const api = usageApi(useApi().http);
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<UsageKind>("unbilled");
  const [invoiceId, setInvoiceId] = useState("");
  const [missingFile, setMissingFile] = useState(false);
  const submit = useSubmit(async () => {
    if (!file) {
      setMissingFile(true);
      return;
    }
    const microsoftInvoiceId = invoiceId.trim();
    onImported(
      await api.upload(file, {
        kind,
        ...(kind === "billed" && microsoftInvoiceId ? { microsoftInvoiceId } : {}),
      }),
    );
  }, ["kind", "microsoftInvoiceId"]);

  return (
    <FormDialog
      title="Upload a usage file"
      submitLabel="Upload and import"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      wide
    >
      <div className={missingFile ? "field field-invalid" : "field"}>
        <label htmlFor="usage-file">Daily rated usage file (CSV)</label>
        <input
          id="usage-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setMissingFile(false);
          }}
        />
        {missingFile ? (
          <p className="field-error" role="alert">
            Choose the CSV file exported from Partner Center (daily rated usage).
          </p>
        ) : (
          <p className="field-hint">
            Columns are matched by name. Rows that cannot be read are set aside with their line and reason;
            the rest is imported. The same file again changes nothing.
          </p>
        )}
      </div>
      <SelectField
        id="usage-kind"
        label="Kind"
        value={kind}
        options={kinds}
        onChange={(v) => setKind(v as UsageKind)}
        error={submit.fieldError("kind")}
      />
      {kind === "billed" ? (
        <TextField
          id="usage-invoice"
          label="Microsoft invoice number (optional)"
          value={invoiceId}
          onChange={setInvoiceId}
          error={submit.fieldError("microsoftInvoiceId")}
          hint="The invoice the billed rows are on, e.g. G012345678."
          autoComplete="off"
        />
      ) : null}
    </FormDialog>
  );
}
