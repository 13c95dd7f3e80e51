import type { ProviderState } from "../../api/types.ts";
import { providerStateBadge, providerStateLabel } from "./provider-labels.ts";

export function ProviderStateBadge({ state }: { state: ProviderState }) {
  return (
    <span className={providerStateBadge[state]} data-testid="provider-state" data-state={state}>
      {providerStateLabel[state]}
    </span>
  );
}
