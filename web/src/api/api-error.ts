export type FieldError = { path: string; message: string };

/** A failed API call, carrying the server's error body: show `message`, and each field message by its field. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly fields: FieldError[],
  ) {
    super(message);
  }

  /** The message for one field (path `name`, `email`, …), if the server reported one. */
  fieldMessage(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }
}

type ErrorBody = {
  error?: {
    code?: unknown;
    message?: unknown;
    requestId?: unknown;
    fields?: unknown;
    field?: unknown;
    details?: unknown;
  };
};

function fieldsOf(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((f: unknown) => {
    if (typeof f !== "object" || f === null) return [];
    const { path, message } = f as { path?: unknown; message?: unknown };
    return typeof message === "string" ? [{ path: typeof path === "string" ? path : "", message }] : [];
  });
}

/** A module's refusal that blames one field names it as `field`, or as `details.field`. */
function blamedField(e: NonNullable<ErrorBody["error"]>): string | null {
  if (typeof e.field === "string" && e.field) return e.field;
  const details =
    typeof e.details === "object" && e.details !== null ? (e.details as { field?: unknown }) : {};
  return typeof details.field === "string" && details.field ? details.field : null;
}

/** Builds an ApiError from a response body of any shape (a proxy may answer with HTML). */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  const e = typeof body === "object" && body !== null ? (body as ErrorBody).error : undefined;
  const code = typeof e?.code === "string" ? e.code : `http_${status}`;
  const message =
    typeof e?.message === "string" ? e.message : `The server answered ${status}. Try again in a moment.`;
  const requestId = typeof e?.requestId === "string" ? e.requestId : null;
  const fields = fieldsOf(e?.fields);
  const field = e ? blamedField(e) : null;
  if (field && !fields.some((f) => f.path === field)) fields.push({ path: field, message });
  return new ApiError(status, code, message, requestId, fields);
}

/** The text to show for any failure: the API's message, or a generic one for network errors and bugs. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Cannot reach the server. Check your connection and try again.";
  return error instanceof Error ? error.message : "Something went wrong.";
}
