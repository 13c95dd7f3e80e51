import { useEffect, useRef, useState } from "react";
import type { TechnicalTaskFilter } from "../../api/technical-tasks-api.ts";
import type { TechnicalTaskItem } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { ProviderLink } from "../onboarding-runs/provider-link.tsx";
import { lookUpProvider, type ProviderLookup } from "../onboarding-runs/run-names.ts";
import { taskKindLabel, taskStateBadge, taskStateLabel } from "../providers/migration-labels.ts";
import { CompleteTaskDialog, type TaskNames } from "./complete-task-dialog.tsx";
import { openFirst, taskFilterOrder, taskFilters } from "./task-list.ts";

/** The providers the listed tasks belong to, read once each, for links to their pages. */
function useProviderLookups(tasks: readonly TechnicalTaskItem[] | null): ReadonlyMap<string, ProviderLookup> {
  const api = useApi();
  const [found, setFound] = useState<ReadonlyMap<string, ProviderLookup>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const task of tasks ?? []) {
      if (asked.current.has(task.providerId)) continue;
      asked.current.add(task.providerId);
      void lookUpProvider(api, task.providerId).then((lookup) =>
        setFound((known) => new Map(known).set(task.providerId, lookup)),
      );
    }
  }, [api, tasks]);
  return found;
}

/** Operators: what the technical account manager does by hand for migrations (transfers, resource moves). */
export function TechnicalTasksPage() {
  const api = useApi();
  const [filter, setFilter] = useState<TechnicalTaskFilter>("open");
  const tasks = useLoad(() => api.technicalTasks.list(filter).then(openFirst), filter);
  const providers = useProviderLookups(tasks.data);
  const { contexts } = useScope();
  const [completing, setCompleting] = useState<TechnicalTaskItem | null>(null);

  /** Names to show: the server's when it sends them, else the console's contexts and the provider read. */
  const namesOf = (task: TechnicalTaskItem): TaskNames => {
    const lookup = providers.get(task.providerId);
    return {
      organization:
        task.orgName ?? contexts.organizations.find((o) => o.id === task.orgId)?.name ?? task.orgId,
      provider:
        task.providerName ?? (lookup && "provider" in lookup ? lookup.provider.name : task.providerId),
    };
  };
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <PageHeader
        title="Technical tasks"
        subtitle="Work a migration waits for: transferring a subscription's billing, or moving resources into a new subscription with the customer. Mark each one done when it is."
        actions={
          <button type="button" className="btn" onClick={() => void tasks.reload()} disabled={tasks.loading}>
            Refresh
          </button>
        }
      />
      <div className="filter-bar">
        <label htmlFor="task-filter">Show</label>
        <select
          id="task-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value as TechnicalTaskFilter)}
        >
          {taskFilterOrder.map((value) => (
            <option key={value} value={value}>
              {taskFilters[value].label}
            </option>
          ))}
        </select>
      </div>
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      {tasks.error ? <LoadError error={tasks.error} onRetry={() => void tasks.reload()} /> : null}
      {tasks.data && tasks.data.length === 0 ? (
        <EmptyState title={filter === "open" ? "No open tasks" : "No tasks"}>
          <p>{taskFilters[filter].empty}</p>
        </EmptyState>
      ) : null}
      {tasks.data && tasks.data.length > 0 ? (
        <table className="table table-dense" data-testid="technical-tasks-table">
          <thead>
            <tr>
              <th>Task</th>
              <th>Organization</th>
              <th>Provider</th>
              <th>Subscription</th>
              <th>Instructions</th>
              <th>State</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {tasks.data.map((task) => {
              const lookup = providers.get(task.providerId);
              const names = namesOf(task);
              return (
                <tr
                  key={task.id}
                  data-testid="technical-task"
                  data-task-id={task.id}
                  data-kind={task.kind}
                  data-state={task.state}
                >
                  <td>
                    {task.title}
                    <br />
                    <span className="muted">{taskKindLabel[task.kind]}</span>
                  </td>
                  <td>{names.organization}</td>
                  <td>
                    {lookup ? <ProviderLink providerId={task.providerId} lookup={lookup} /> : names.provider}
                    <br />
                    <Link to={`/onboarding-runs/${task.runId}`} className="muted">
                      Onboarding run
                    </Link>
                  </td>
                  <td>
                    {task.subscriptionName}
                    <br />
                    <code className="muted">{task.subscriptionId}</code>
                  </td>
                  <td className="cell-wide task-instructions">{task.instructions}</td>
                  <td>
                    <span className={taskStateBadge[task.state]}>{taskStateLabel[task.state]}</span>
                    {task.completedAt ? (
                      <div className="muted cell-note">{formatDateTime(task.completedAt)}</div>
                    ) : (
                      <div className="muted cell-note">since {formatDateTime(task.createdAt)}</div>
                    )}
                    {task.targetSubscriptionId ? (
                      <div className="muted cell-note">
                        into <code>{task.targetSubscriptionId}</code>
                      </div>
                    ) : null}
                    {task.note ? <div className="cell-note">{task.note}</div> : null}
                  </td>
                  <td className="row-actions">
                    {task.state === "open" ? (
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        onClick={() => {
                          setNotice(null);
                          setCompleting(task);
                        }}
                      >
                        Complete…
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {completing ? (
        <CompleteTaskDialog
          task={completing}
          names={namesOf(completing)}
          onClose={() => setCompleting(null)}
          onCompleted={(done) => {
            setCompleting(null);
            setNotice(`“${done.title}” is done; the migration of ${namesOf(completing).provider} goes on.`);
            void tasks.reload();
          }}
        />
      ) : null}
    </>
  );
}
