import { appError, type AppError } from "../../../platform/result.ts";
import type { UsageFileError } from "../engine/index.ts";

export type UsageError =
  | UsageFileError
  | (AppError & { code: "usage_file_not_found" })
  | (AppError & { code: "usage_import_busy" })
  | (AppError & { code: "usage_pull_failed" })
  | (AppError & { code: "usage_pull_interrupted" })
  | (AppError & { code: "microsoft_not_connected" })
  | (AppError & { code: "not_found" })
  | (AppError & { code: "forbidden" });

/** The failures the usage store reports. Codes are persisted in clients' code: never rename one. */
export const usageErrors = {
  fileNotFound: (path: string) =>
    appError(
      "usage_file_not_found",
      `The usage file ${path} cannot be read: check the path and its permissions.`,
      {
        path,
      },
    ),
  busy: (importId: string) => ({
    ...appError(
      "usage_import_busy",
      `The import ${importId} is being read by another process right now. Try again when it has finished.`,
      { importId },
    ),
    retryable: true,
  }),
  pullFailed: (message: string, retryable: boolean, details: Record<string, unknown>) => ({
    ...appError("usage_pull_failed", `Microsoft's usage could not be read: ${message}`, details),
    retryable,
  }),
  pullInterrupted: () => ({
    ...appError(
      "usage_pull_interrupted",
      "The pull stopped before it finished (its worker stopped). Nothing of it was published; the next pull reads the same usage again.",
    ),
    retryable: true,
  }),
  notConnected: () => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft, so usage cannot be pulled now. Ask the operator to configure the Microsoft connection, or import a usage file.",
    ),
    retryable: true,
  }),
  importNotFound: (importId: string) =>
    appError(
      "not_found",
      `No usage import with id ${importId} exists. Check the id in GET /api/v1/billing/usage-imports.`,
    ),
  forbidden: () =>
    appError("forbidden", "Only partner operators import and read Microsoft's usage. Ask an operator."),
};
