import type { TechnicalTaskFilter } from "../../api/technical-tasks-api.ts";
import type { TechnicalTaskItem, TechnicalTaskState } from "../../api/types.ts";

/** The list's filters and what an empty list then means. */
export const taskFilters: Readonly<Record<TechnicalTaskFilter, { label: string; empty: string }>> = {
  open: { label: "Open", empty: "No migration waits for the technical account manager." },
  done: { label: "Done", empty: "No task has been completed yet." },
  all: { label: "All", empty: "No migration has needed a technical task yet." },
};

export const taskFilterOrder: readonly TechnicalTaskFilter[] = ["open", "done", "all"];

const stateOrder: Record<TechnicalTaskState, number> = { open: 0, done: 1, cancelled: 2 };

/** Open tasks first, the oldest first among them (they have waited longest); finished ones latest first. */
export function openFirst(tasks: readonly TechnicalTaskItem[]): TechnicalTaskItem[] {
  return [...tasks].sort((a, b) => {
    const byState = stateOrder[a.state] - stateOrder[b.state];
    if (byState !== 0) return byState;
    if (a.state === "open") return a.createdAt.localeCompare(b.createdAt);
    return (b.completedAt ?? b.createdAt).localeCompare(a.completedAt ?? a.createdAt);
  });
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a subscription id typed by hand cannot be one, or null when it has the form of a GUID. */
export function subscriptionIdProblem(value: string): string | null {
  if (!value) return "Enter the id of the subscription the resources were moved into.";
  return guid.test(value)
    ? null
    : "A subscription id is a GUID such as 00000000-0000-0000-0000-000000000000.";
}
