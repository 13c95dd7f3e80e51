import type { OnboardingRunState } from "../../api/types.ts";

export type RunFilter = "needs-attention" | "in-flight" | "succeeded" | "cancelled" | "all";

/** The list's filters, the states each one asks the API for, and what an empty list then means. */
export const runFilters: Readonly<
  Record<RunFilter, { label: string; states: readonly OnboardingRunState[]; empty: string }>
> = {
  "needs-attention": {
    label: "Needs attention (stuck or failed)",
    states: ["stuck", "failed"],
    empty: "No onboarding run is stuck or failed.",
  },
  "in-flight": {
    label: "In flight (waiting, in progress, undoing)",
    states: ["queued", "running", "compensating"],
    empty: "No onboarding run is in progress.",
  },
  succeeded: { label: "Succeeded", states: ["succeeded"], empty: "No onboarding run has finished." },
  cancelled: { label: "Cancelled", states: ["cancelled"], empty: "No onboarding run was cancelled." },
  all: {
    label: "All",
    states: ["queued", "running", "compensating", "succeeded", "failed", "stuck", "cancelled"],
    empty: "No onboarding has started yet.",
  },
};

export const runFilterOrder: readonly RunFilter[] = [
  "needs-attention",
  "in-flight",
  "succeeded",
  "cancelled",
  "all",
];

/** States in which a run moves by itself, so its page reads it again every few seconds. */
export const inFlightStates: ReadonlySet<OnboardingRunState> = new Set(["queued", "running", "compensating"]);

/** States after which a run has no current step: it finished or was cancelled. */
export const finishedStates: ReadonlySet<OnboardingRunState> = new Set(["succeeded", "cancelled"]);

export type RunActions = { retry: boolean; resume: boolean; cancel: boolean };

/** What an operator may do to a run in `state`; the server applies the same rule and says why when it refuses. */
export function actionsFor(state: OnboardingRunState): RunActions {
  return {
    retry: state === "stuck" || state === "failed",
    resume: state === "stuck",
    cancel: !finishedStates.has(state),
  };
}
