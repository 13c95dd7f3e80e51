import { messageOf } from "../api/api-error.ts";

/** A screen that could not load its data, with a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div className="alert alert-error" role="alert">
      <span>{messageOf(error)}</span>
      <button type="button" className="btn btn-small" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
