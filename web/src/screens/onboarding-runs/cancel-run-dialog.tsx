import { useState } from "react";
import type { OnboardingRun } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextAreaField } from "../../ui/text-area-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";

type CancelRunProps = {
  runId: string;
  /** What the run sets up, in words ("Fabrikam Lab"). */
  subject: string;
  onCancelled: (run: OnboardingRun) => void;
  onClose: () => void;
};

/** Confirms the cancellation of a run and asks why; the reason goes to the provider's log and the audit log. */
export function CancelRunDialog({ runId, subject, onCancelled, onClose }: CancelRunProps) {
  const api = useApi();
  const [reason, setReason] = useState("");
  const submit = useSubmit(async () => {
    onCancelled(await api.onboardingRuns.cancel(runId, reason.trim()));
  }, ["reason"]);
  return (
    <FormDialog
      title={`Cancel the onboarding of ${subject}?`}
      submitLabel="Cancel onboarding"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      danger
    >
      <p className="muted">
        The run stops and cannot be started again. Its done steps are undone in reverse order where Microsoft
        allows it, unless the Azure customer was already created: a customer cannot be deleted, so then
        nothing is undone.
      </p>
      <TextAreaField
        id="cancel-reason"
        label="Reason"
        value={reason}
        onChange={setReason}
        error={submit.fieldError("reason")}
        hint="Shown in the provider's log and the audit log, for example: ordered by mistake."
      />
    </FormDialog>
  );
}
