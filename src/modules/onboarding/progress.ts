import type { RunView } from "./engine/runs.ts";

export type StepStatus = "done" | "skipped" | "current" | "pending" | "undone";

/** A run as the console's progress view shows it. */
export type OnboardingProgress = {
  runId: string;
  workflow: string;
  state: RunView["state"];
  stepNumber: number;
  stepCount: number;
  currentStep: string | null;
  waitingFor: string | null;
  reason: string | null;
  lastError: string | null;
  errorCode: string | null;
  updatedAt: Date;
  steps: { id: string; label: string; status: StepStatus; attempts: number; completedAt: Date | null }[];
};

type SavedStep = {
  stepId: string;
  output: unknown;
  attempts: number;
  completedAt: Date;
  undoneAt: Date | null;
};

const isSkipped = (output: unknown) =>
  typeof output === "object" && output !== null && (output as Record<string, unknown>)["skipped"] === true;

export function progressOf(
  run: RunView,
  stepIds: readonly string[],
  labels: Readonly<Record<string, string>>,
  saved: readonly SavedStep[],
): OnboardingProgress {
  const byId = new Map(saved.map((s) => [s.stepId, s]));
  const finished = run.state === "succeeded" || run.state === "cancelled";
  return {
    runId: run.id,
    workflow: run.workflow,
    state: run.state,
    stepNumber: run.stepNumber,
    stepCount: run.stepCount,
    currentStep: finished ? null : run.stepId,
    waitingFor: run.waitingFor,
    reason: run.reason,
    lastError: run.lastError,
    errorCode: run.errorCode,
    updatedAt: run.updatedAt,
    steps: stepIds.map((id) => {
      const s = byId.get(id);
      const status: StepStatus = s
        ? s.undoneAt
          ? "undone"
          : isSkipped(s.output)
            ? "skipped"
            : "done"
        : !finished && run.stepId === id
          ? "current"
          : "pending";
      return {
        id,
        label: labels[id] ?? id,
        status,
        attempts: s?.attempts ?? (status === "current" ? run.attempt : 0),
        completedAt: s?.completedAt ?? null,
      };
    }),
  };
}
