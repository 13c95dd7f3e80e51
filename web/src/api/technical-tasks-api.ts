import type { HttpClient } from "./http-client.ts";
import type { TechnicalTask, TechnicalTaskItem } from "./types.ts";

export type TechnicalTaskFilter = "open" | "done" | "all";

export type CompleteTaskInput = { note?: string; targetSubscriptionId?: string };

/** Operators: the technical account manager's tasks of every organization's migrations. */
export function technicalTasksApi(http: HttpClient) {
  return {
    list: (state: TechnicalTaskFilter) =>
      http.get<{ items: TechnicalTaskItem[] }>("/technical-tasks", { state }).then((r) => r.items),
    /** Records the task as done; a resource move names the subscription the resources now live in. */
    complete: (taskId: string, input: CompleteTaskInput) =>
      http.post<TechnicalTask>(`/technical-tasks/${encodeURIComponent(taskId)}/complete`, input),
  };
}
