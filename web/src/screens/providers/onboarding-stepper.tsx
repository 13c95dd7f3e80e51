import type { OnboardingProgress, OnboardingStepStatus } from "../../api/types.ts";
import { formatDateTime, formatTime } from "../../ui/format-time.ts";
import { runStateBadge, runStateLabel } from "./provider-labels.ts";

const statusText: Record<OnboardingStepStatus, string> = {
  done: "done",
  skipped: "not needed",
  current: "in progress",
  pending: "not started",
  undone: "undone",
};

function StepIcon({ status, index }: { status: OnboardingStepStatus; index: number }) {
  const glyph: Record<OnboardingStepStatus, string> = {
    done: "✓",
    skipped: "–",
    undone: "↺",
    current: "",
    pending: String(index + 1),
  };
  return (
    <span className="step-icon" aria-hidden="true">
      {glyph[status]}
    </span>
  );
}

/** Where the run is, in one sentence, for the live region. */
function summary(p: OnboardingProgress): string {
  if (p.state === "succeeded") return "All steps are done.";
  if (p.state === "cancelled") return "The setup was cancelled.";
  const step = p.steps.find((s) => s.status === "current")?.label ?? p.currentStep ?? "";
  const at = `Step ${p.stepNumber} of ${p.stepCount}${step ? `: ${step}` : ""}.`;
  if (p.state === "failed" || p.state === "stuck") return `${at} ${runStateLabel[p.state]}.`;
  return p.waitingFor ? `${at} Waiting for ${p.waitingFor}.` : at;
}

/**
 * The onboarding run as a vertical stepper: done steps ticked, the current one with what it waits for, a stuck or
 * failed run with its reason. The summary line is a live region, so screen readers hear each change.
 */
export function OnboardingStepper({ progress, live }: { progress: OnboardingProgress; live: boolean }) {
  const trouble = progress.state === "failed" || progress.state === "stuck";
  return (
    <>
      <p className="onboarding-summary" role="status" aria-live="polite" data-testid="onboarding-summary">
        <span
          className={runStateBadge[progress.state]}
          data-testid="onboarding-state"
          data-state={progress.state}
        >
          {runStateLabel[progress.state]}
        </span>{" "}
        {summary(progress)}
      </p>
      {trouble && (progress.reason ?? progress.lastError) ? (
        <div className="alert alert-error" role="alert" data-testid="onboarding-reason">
          {progress.reason ?? progress.lastError}
        </div>
      ) : null}
      <ol className="stepper" aria-label="Setup steps" data-testid="onboarding-steps">
        {progress.steps.map((s, i) => (
          <li
            key={s.id}
            className={`step step-${s.status}`}
            data-status={s.status}
            aria-current={s.status === "current" ? "step" : undefined}
          >
            <StepIcon status={s.status} index={i} />
            <div className="step-body">
              <span className="step-label">{s.label}</span>
              {s.status === "skipped" ? (
                <span className="step-detail">Not needed for this account</span>
              ) : null}
              <span className="visually-hidden">, {statusText[s.status]}</span>
              {s.status === "current" && progress.waitingFor && !trouble ? (
                <span className="step-detail">Waiting for {progress.waitingFor}</span>
              ) : null}
              {s.status === "done" && s.completedAt ? (
                <span className="step-detail">{formatTime(s.completedAt)}</span>
              ) : null}
              {s.status === "current" && s.attempts > 1 ? (
                <span className="step-detail">Attempt {s.attempts}</span>
              ) : null}
              {s.status === "current" && progress.lastError && !trouble ? (
                <span className="step-detail step-retry">Retrying after: {progress.lastError}</span>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
      <p className="field-hint">
        Updated {formatDateTime(progress.updatedAt)}
        {live ? " · updates live" : ""}
      </p>
    </>
  );
}
