import type { ReactNode } from "react";
import { useSubmit } from "./use-submit.ts";
import { FormDialog } from "./form-dialog.tsx";

type ConfirmDialogProps = {
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm: () => Promise<void>;
  onClose: () => void;
};

/** Asks before a destructive action and shows why it failed, if it does. */
export function ConfirmDialog({ title, confirmLabel, children, onConfirm, onClose }: ConfirmDialogProps) {
  const submit = useSubmit(async () => {
    await onConfirm();
    onClose();
  });
  return (
    <FormDialog
      title={title}
      submitLabel={confirmLabel}
      submitting={submit.submitting}
      formError={submit.formError}
      onSubmit={() => void submit.run()}
      onClose={onClose}
      danger
    >
      <div className="confirm-text">{children}</div>
    </FormDialog>
  );
}
