import { useState } from "react";
import type { TechnicalTask, TechnicalTaskItem } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { FormDialog } from "../../ui/form-dialog.tsx";
import { TextAreaField } from "../../ui/text-area-field.tsx";
import { TextField } from "../../ui/text-field.tsx";
import { useSubmit } from "../../ui/use-submit.ts";
import { subscriptionIdProblem } from "./task-list.ts";

/** How the task's organization and provider are named on screen. */
export type TaskNames = { organization: string; provider: string };

type CompleteTaskProps = {
  task: TechnicalTaskItem;
  names: TaskNames;
  onCompleted: (task: TechnicalTask) => void;
  onClose: () => void;
};

/**
 * Records a technical task as done. A resource move names the new subscription the resources now live in; the
 * migration then treats that subscription as the provider's.
 */
export function CompleteTaskDialog({ task, names, onCompleted, onClose }: CompleteTaskProps) {
  const api = useApi();
  const [note, setNote] = useState("");
  const [target, setTarget] = useState("");
  const [targetProblem, setTargetProblem] = useState<string | null>(null);
  const isMove = task.kind === "move_resources";
  const submit = useSubmit(async () => {
    const targetSubscriptionId = target.trim();
    if (isMove) {
      const problem = subscriptionIdProblem(targetSubscriptionId);
      setTargetProblem(problem);
      if (problem) return;
    }
    const trimmedNote = note.trim();
    onCompleted(
      await api.technicalTasks.complete(task.id, {
        ...(trimmedNote ? { note: trimmedNote } : {}),
        ...(isMove ? { targetSubscriptionId } : {}),
      }),
    );
  }, ["note", "targetSubscriptionId"]);

  return (
    <FormDialog
      title={`Complete: ${task.title}`}
      submitLabel="Mark as done"
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      wide
    >
      <dl className="details">
        <dt>Organization</dt>
        <dd>{names.organization}</dd>
        <dt>Provider</dt>
        <dd>{names.provider}</dd>
        <dt>Subscription</dt>
        <dd>
          {task.subscriptionName} <code className="muted">{task.subscriptionId}</code>
        </dd>
      </dl>
      <p className="task-instructions">{task.instructions}</p>
      {isMove ? (
        <TextField
          id="task-target-subscription"
          label="New subscription id"
          value={target}
          onChange={(v) => {
            setTarget(v);
            setTargetProblem(null);
          }}
          error={targetProblem ?? submit.fieldError("targetSubscriptionId")}
          hint="The subscription in the customer's tenant that the resources were moved into."
          autoComplete="off"
          spellCheck={false}
        />
      ) : null}
      <TextAreaField
        id="task-note"
        label="Note (optional)"
        value={note}
        onChange={setNote}
        error={submit.fieldError("note")}
        hint="Shown to the customer with the task, for example what was moved and when."
      />
    </FormDialog>
  );
}
