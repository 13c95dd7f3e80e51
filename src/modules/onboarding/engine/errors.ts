import type { AppError } from "../../../platform/result.ts";

/** The engine's expected failures. Codes are persisted in API answers and audit records: never rename one. */
export type EngineError = AppError & {
  code:
    | "workflow_unknown"
    | "workflow_input_invalid"
    | "workflow_run_not_found"
    | "workflow_run_not_stuck"
    | "workflow_run_not_retryable"
    | "workflow_run_finished";
};

export const engineErrors = {
  unknown: (name: string, version: number): EngineError => ({
    code: "workflow_unknown",
    message: `The workflow ${name} version ${version} is not registered with the onboarding engine; register it before starting runs.`,
    retryable: false,
  }),
  inputInvalid: (name: string, issues: string): EngineError => ({
    code: "workflow_input_invalid",
    message: `The input of workflow ${name} is invalid: ${issues}. Correct these fields and start again.`,
    retryable: false,
  }),
  notFound: (runId: string): EngineError => ({
    code: "workflow_run_not_found",
    message: `No workflow run has the id ${runId}; check the run id.`,
    retryable: false,
  }),
  notStuck: (runId: string, state: string): EngineError => ({
    code: "workflow_run_not_stuck",
    message: `Run ${runId} is ${state}; only a stuck run can be resumed.`,
    retryable: false,
    details: { state },
  }),
  notRetryable: (runId: string, state: string): EngineError => ({
    code: "workflow_run_not_retryable",
    message: `Run ${runId} is ${state}; a step can be retried only when the run is stuck or failed.`,
    retryable: false,
    details: { state },
  }),
  finished: (runId: string, state: string): EngineError => ({
    code: "workflow_run_finished",
    message: `Run ${runId} is already ${state} and cannot be cancelled.`,
    retryable: false,
    details: { state },
  }),
};
