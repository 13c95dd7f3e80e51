import { useState } from "react";
import type { OnboardingRun } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { RunStateBadge } from "./run-state-badge.tsx";
import { ProviderLink } from "./provider-link.tsx";
import { providerIdOf, useRunNames } from "./run-names.ts";
import { finishedStates, runFilterOrder, runFilters, type RunFilter } from "./run-states.ts";

function OrganizationName({ orgId }: { orgId: string | undefined }) {
  const { contexts } = useScope();
  if (!orgId) return <span className="muted">—</span>;
  return <>{contexts.organizations.find((o) => o.id === orgId)?.name ?? <code>{orgId}</code>}</>;
}

function trouble(run: OnboardingRun): string | null {
  return run.reason ?? run.lastError;
}

/** Operators: the onboarding runs of every organization, those needing attention first. */
export function OnboardingRunsPage() {
  const api = useApi();
  const [filter, setFilter] = useState<RunFilter>("needs-attention");
  const shown = runFilters[filter];
  const runs = useLoad(() => api.onboardingRuns.list(shown.states), filter);
  const names = useRunNames(runs.data);

  return (
    <>
      <PageHeader
        title="Onboarding runs"
        subtitle="Setting up Azure accounts for providers, in every organization. Open a run to retry, resume or cancel it."
        actions={
          <button type="button" className="btn" onClick={() => void runs.reload()} disabled={runs.loading}>
            Refresh
          </button>
        }
      />
      <div className="filter-bar">
        <label htmlFor="run-filter">Show</label>
        <select
          id="run-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value as RunFilter)}
          data-testid="run-filter"
        >
          {runFilterOrder.map((value) => (
            <option key={value} value={value}>
              {runFilters[value].label}
            </option>
          ))}
        </select>
      </div>
      {runs.error ? <LoadError error={runs.error} onRetry={() => void runs.reload()} /> : null}
      {runs.data && runs.data.length === 0 ? (
        <EmptyState title={filter === "needs-attention" ? "Nothing needs attention" : "No runs"}>
          <p>{shown.empty}</p>
        </EmptyState>
      ) : null}
      {runs.data && runs.data.length > 0 ? (
        <table className="table table-dense" data-testid="onboarding-runs-table">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Organization</th>
              <th>Workflow</th>
              <th>State</th>
              <th>Current step</th>
              <th>Reason or last error</th>
              <th>Updated</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id} data-run-id={run.id} data-state={run.state} data-testid="onboarding-run">
                <td>
                  <ProviderLink providerId={providerIdOf(run)} lookup={names.provider(run)} />
                </td>
                <td>
                  <OrganizationName orgId={run.subject["orgId"]} />
                </td>
                <td className="nowrap">
                  <code>{run.workflow}</code>
                </td>
                <td className="nowrap">
                  <RunStateBadge state={run.state} />
                </td>
                <td>
                  {run.stepId && !finishedStates.has(run.state) ? (
                    <>
                      {names.stepLabel(run)}{" "}
                      <span className="muted nowrap">
                        ({run.stepNumber} of {run.stepCount})
                      </span>
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-testid="run-trouble">
                  {trouble(run) ?? <span className="muted">—</span>}
                  {run.errorCode ? (
                    <>
                      {" "}
                      <code>{run.errorCode}</code>
                    </>
                  ) : null}
                </td>
                <td className="nowrap">{formatDateTime(run.updatedAt)}</td>
                <td className="row-actions">
                  <Link to={`/onboarding-runs/${run.id}`} className="btn btn-small">
                    Open
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
