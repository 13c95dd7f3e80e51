/** A provider's states (product inventory §2.6, plus `failed`). Persisted: never rename one. */
export const providerStates = [
  "initializing",
  "processing",
  "ready",
  "deleting",
  "unavailable",
  "failed",
] as const;
export type ProviderState = (typeof providerStates)[number];

/**
 * Where each state may go. Options 2 and 3 start `initializing`, turn `processing` while their onboarding runs,
 * and end `ready` or `failed` (a failed run may be retried: `processing` again). Option 1 is saved `ready` after
 * its live check. A sync moves between `ready` and `unavailable`. Anything but `deleting` may be deleted, and
 * `deleting` only ends in removal.
 */
const next: Record<ProviderState, readonly ProviderState[]> = {
  initializing: ["processing", "ready", "failed", "deleting"],
  processing: ["ready", "failed", "unavailable", "deleting"],
  ready: ["ready", "processing", "unavailable", "deleting"],
  unavailable: ["ready", "unavailable", "processing", "deleting"],
  failed: ["processing", "deleting"],
  deleting: [],
};

export const canMove = (from: ProviderState, to: ProviderState): boolean => next[from].includes(to);

/** A move the code is about to make: one the table does not allow is a bug, so it throws. */
export function moveTo(from: ProviderState, to: ProviderState): ProviderState {
  if (!canMove(from, to)) throw new Error(`A provider may not go from ${from} to ${to}.`);
  return to;
}
