import { useState } from "react";
import { invoicesApi, type Invoice } from "../../api/billing-api.ts";
import { useApi } from "../../app/api-context.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextAreaField } from "../../ui/text-area-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { formatMoney, monthLabel } from "./billing-format.ts";

type Action = "finalize" | "post" | "credit";

type InvoiceActionsProps = {
  invoice: Invoice;
  accountName: string;
  /** Called with the invoice (or credit note) the action produced. */
  onDone: (result: Invoice, action: Action) => void;
};

function CreditNoteDialog({
  invoice,
  onIssued,
  onClose,
}: {
  invoice: Invoice;
  onIssued: (note: Invoice) => void;
  onClose: () => void;
}) {
  const api = invoicesApi(useApi().http);
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const submit = useSubmit(async () => {
    if (!reason.trim()) {
      setMissing(true);
      return;
    }
    onIssued(await api.creditNote(invoice.id, reason.trim()));
  }, ["reason"]);
  return (
    <FormDialog
      title={`Issue a credit note for ${invoice.number ?? "this invoice"}?`}
      submitLabel="Issue credit note"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      danger
    >
      <p className="confirm-text">
        The credit note takes back the whole invoice ({formatMoney(invoice.total, invoice.currency)}). Its
        usage becomes billable again and goes on the account&apos;s next invoice.
      </p>
      <TextAreaField
        id="credit-reason"
        label="Reason"
        value={reason}
        onChange={(v) => {
          setReason(v);
          setMissing(false);
        }}
        error={
          missing ? "Give the reason for the credit note; the customer sees it." : submit.fieldError("reason")
        }
        hint="Shown on the credit note, e.g. the wrong billing account was invoiced."
        maxLength={500}
      />
    </FormDialog>
  );
}

/** The operators' commands on an invoice, each asked for first: finalize, post to the partner cloud, credit. */
export function InvoiceActions({ invoice, accountName, onDone }: InvoiceActionsProps) {
  const api = invoicesApi(useApi().http);
  const [asking, setAsking] = useState<Action | null>(null);
  const isInvoice = invoice.kind === "invoice";
  const finalized = invoice.state === "finalized";
  const done = (result: Invoice, action: Action) => {
    setAsking(null);
    onDone(result, action);
  };

  return (
    <>
      {!finalized ? (
        <button type="button" className="btn btn-primary" onClick={() => setAsking("finalize")}>
          Finalize
        </button>
      ) : null}
      {finalized && invoice.postState !== "posted" ? (
        <button type="button" className="btn btn-primary" onClick={() => setAsking("post")}>
          {invoice.postState === "failed" ? "Post again" : "Post to the partner cloud"}
        </button>
      ) : null}
      {finalized && isInvoice ? (
        <button type="button" className="btn btn-danger-quiet" onClick={() => setAsking("credit")}>
          Issue credit note
        </button>
      ) : null}
      {asking === "finalize" ? (
        <ConfirmDialog
          title={`Finalize the ${monthLabel(invoice.period)} invoice of ${accountName}?`}
          confirmLabel="Finalize invoice"
          onClose={() => setAsking(null)}
          onConfirm={async () => done(await api.finalize(invoice.id), "finalize")}
        >
          <p>
            The draft is rebuilt from the usage as it is now, given the next invoice number and never changes
            again. Usage that arrives later for {monthLabel(invoice.period)} goes on a later invoice as an
            update to the previous month.
          </p>
        </ConfirmDialog>
      ) : null}
      {asking === "post" ? (
        <ConfirmDialog
          title={`Post ${invoice.number ?? "the invoice"} to the partner cloud?`}
          confirmLabel="Post invoice"
          onClose={() => setAsking(null)}
          onConfirm={async () => done(await api.post(invoice.id), "post")}
        >
          <p>
            Its lines are added to {accountName}&apos;s partner cloud invoice of {monthLabel(invoice.period)}.
            Each line is sent with its own key, so posting again never adds a line twice.
          </p>
        </ConfirmDialog>
      ) : null}
      {asking === "credit" ? (
        <CreditNoteDialog
          invoice={invoice}
          onClose={() => setAsking(null)}
          onIssued={(note) => done(note, "credit")}
        />
      ) : null}
    </>
  );
}
