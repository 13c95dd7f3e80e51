import { useState } from "react";
import { ApiError, messageOf } from "../api/api-error.ts";

export type Submission<A extends unknown[]> = {
  run: (...args: A) => Promise<void>;
  submitting: boolean;
  /** The API's message for one field, shown next to it. */
  fieldError: (path: string) => string | undefined;
  /** What to show above the form: the general message, unless every problem is shown next to its field. */
  formError: string | null;
  reset: () => void;
};

/**
 * Runs a form's action once at a time and keeps its failure. `fields` are the paths this form shows
 * next to inputs; anything else the server reports goes to the form's message.
 */
export function useSubmit<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
  fields: readonly string[] = [],
): Submission<A> {
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run(...args: A): Promise<void> {
    if (submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      await action(...args);
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  }

  const apiError = error instanceof ApiError ? error : null;
  const shown = apiError ? apiError.fields.filter((f) => fields.includes(f.path)) : [];
  const others = apiError ? apiError.fields.filter((f) => !fields.includes(f.path)) : [];
  let formError: string | null = null;
  if (error && shown.length === 0) formError = messageOf(error);
  else if (others.length > 0) formError = others.map((f) => f.message).join(" ");

  return {
    run,
    submitting,
    fieldError: (path) => apiError?.fieldMessage(path),
    formError,
    reset: () => setError(null),
  };
}
