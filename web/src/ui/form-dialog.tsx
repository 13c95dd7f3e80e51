import { useId, type ReactNode } from "react";
import { Dialog } from "./dialog.tsx";
import { FormError } from "./form-error.tsx";

type FormDialogProps = {
  title: string;
  submitLabel: string;
  submitting: boolean;
  formError: string | null;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
  danger?: boolean;
  /** For forms that list choices with explanations. */
  wide?: boolean;
};

/** A dialog holding one form: its fields, its general error, Cancel and the submit button. */
export function FormDialog(props: FormDialogProps) {
  const formId = useId();
  return (
    <Dialog
      title={props.title}
      onClose={props.onClose}
      wide={props.wide}
      footer={
        <>
          <button type="button" className="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="submit"
            form={formId}
            className={props.danger ? "btn btn-danger" : "btn btn-primary"}
            disabled={props.submitting}
          >
            {props.submitting ? "Working…" : props.submitLabel}
          </button>
        </>
      }
    >
      <form
        id={formId}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <FormError message={props.formError} />
        {props.children}
      </form>
    </Dialog>
  );
}
