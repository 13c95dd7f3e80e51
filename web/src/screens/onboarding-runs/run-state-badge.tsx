import type { OnboardingRunState } from "../../api/types.ts";
import { runStateBadge, runStateLabel } from "../providers/provider-labels.ts";

export function RunStateBadge({ state }: { state: OnboardingRunState }) {
  return (
    <span className={runStateBadge[state]} data-testid="run-state" data-state={state}>
      {runStateLabel[state]}
    </span>
  );
}
