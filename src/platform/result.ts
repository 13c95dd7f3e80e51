/** Expected failures are values. Each module's error has a literal `code` and a message that says how to fix it. */
export type AppError = {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
};

export type Result<T, E extends AppError = AppError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const err = <E extends AppError>(error: E): { ok: false; error: E } => ({ ok: false, error });

export function appError<C extends string>(
  code: C,
  message: string,
  details?: Record<string, unknown>,
): AppError & { code: C } {
  return details ? { code, message, retryable: false, details } : { code, message, retryable: false };
}
