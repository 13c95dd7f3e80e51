import { useEffect, useState } from "react";
import type { OnboardingRun, OnboardingRunDetail } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { OnboardingStepper } from "../providers/onboarding-stepper.tsx";
import { CancelRunDialog } from "./cancel-run-dialog.tsx";
import { ProviderLink } from "./provider-link.tsx";
import { RunStateBadge } from "./run-state-badge.tsx";
import { lookUpProvider, providerIdOf } from "./run-names.ts";
import { actionsFor, finishedStates, inFlightStates } from "./run-states.ts";

/** While the run moves by itself the page reads it again this often. */
const REFRESH_MS = 2000;

function stepLabelOf(detail: OnboardingRunDetail): string {
  const id = detail.run.stepId;
  return detail.steps.find((s) => s.id === id)?.label ?? id ?? "the current step";
}

/** What an operator's cancellation did, in words. */
function cancelOutcome(run: OnboardingRun): string {
  return run.state === "cancelled"
    ? "The run is cancelled."
    : "Cancellation requested: done steps are being undone where Microsoft allows it.";
}

/** Operators: one onboarding run, step by step, with retry, resume and cancel as its state allows. */
export function OnboardingRunPage({ runId }: { runId: string }) {
  const api = useApi();
  const { contexts } = useScope();
  const detail = useLoad(() => api.onboardingRuns.get(runId), runId);
  const run = detail.data?.run ?? null;
  const providerId = run ? providerIdOf(run) : null;
  const provider = useLoad(
    () => (providerId ? lookUpProvider(api, providerId) : Promise.resolve(null)),
    providerId ?? "",
  );
  const [notice, setNotice] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  const state = run?.state;
  const reload = detail.reload;
  useEffect(() => {
    if (!state || !inFlightStates.has(state)) return;
    const timer = window.setInterval(() => void reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [state, reload]);

  const act = useSubmit(async (kind: "retry" | "resume") => {
    setNotice(null);
    const step = detail.data ? stepLabelOf(detail.data) : "the current step";
    try {
      if (kind === "retry") await api.onboardingRuns.retry(runId);
      else await api.onboardingRuns.resume(runId);
      setNotice(kind === "retry" ? `Trying “${step}” again.` : `Resumed at “${step}”.`);
    } finally {
      await reload();
    }
  });

  const back = (
    <p className="breadcrumb">
      <Link to="/onboarding-runs">Onboarding runs</Link> /
    </p>
  );
  if (detail.error && !detail.data)
    return (
      <>
        {back}
        <PageHeader title="Onboarding run" />
        <LoadError error={detail.error} onRetry={() => void reload()} />
      </>
    );
  if (!detail.data || !run) return <p className="muted">Loading…</p>;

  const found = provider.data;
  const subject = found && "provider" in found ? found.provider.name : (providerId ?? run.key);
  const orgId = run.subject["orgId"];
  const orgName = contexts.organizations.find((o) => o.id === orgId)?.name ?? orgId;
  const allowed = actionsFor(run.state);
  const current = run.stepId !== null && !finishedStates.has(run.state);

  return (
    <>
      {back}
      <PageHeader
        title={`Onboarding of ${subject}`}
        subtitle={
          <>
            {orgName ? `${orgName} · ` : ""}
            <code>{run.workflow}</code> · <RunStateBadge state={run.state} />
          </>
        }
        actions={
          <>
            <button
              type="button"
              className="btn btn-primary"
              disabled={!allowed.retry || act.submitting}
              onClick={() => void act.run("retry")}
            >
              Retry
            </button>
            <button
              type="button"
              className="btn"
              disabled={!allowed.resume || act.submitting}
              onClick={() => void act.run("resume")}
            >
              Resume
            </button>
            <button
              type="button"
              className="btn btn-danger-quiet"
              disabled={!allowed.cancel || act.submitting}
              onClick={() => setCancelling(true)}
            >
              Cancel…
            </button>
          </>
        }
      />
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <FormError message={act.formError} />
      {detail.error ? <LoadError error={detail.error} onRetry={() => void reload()} /> : null}
      <section className="card" aria-labelledby="run-steps" data-testid="onboarding">
        <h2 id="run-steps">Steps</h2>
        <OnboardingStepper progress={detail.data} live={inFlightStates.has(run.state)} />
      </section>
      <section className="card" aria-labelledby="run-details">
        <h2 id="run-details">Details</h2>
        <dl className="details" data-testid="run-details">
          <dt>Provider</dt>
          <dd>
            <ProviderLink providerId={providerId} lookup={found ?? undefined} />
          </dd>
          <dt>Organization</dt>
          <dd>{orgName ?? <span className="muted">—</span>}</dd>
          <dt>Workflow</dt>
          <dd>
            <code>{run.workflow}</code> version {run.version}
          </dd>
          <dt>Run id</dt>
          <dd>
            <code>{run.id}</code>
          </dd>
          {current ? (
            <>
              <dt>Current step</dt>
              <dd>
                {stepLabelOf(detail.data)} <span className="muted">(attempt {run.attempt})</span>
              </dd>
            </>
          ) : null}
          {run.errorCode ? (
            <>
              <dt>Error code</dt>
              <dd>
                <code>{run.errorCode}</code>
              </dd>
            </>
          ) : null}
          {run.lastError ? (
            <>
              <dt>Last error</dt>
              <dd>{run.lastError}</dd>
            </>
          ) : null}
          {run.cancelReason ? (
            <>
              <dt>Cancelled because</dt>
              <dd>{run.cancelReason}</dd>
            </>
          ) : null}
          {run.nextAt && inFlightStates.has(run.state) ? (
            <>
              <dt>Next attempt</dt>
              <dd>{formatDateTime(run.nextAt)}</dd>
            </>
          ) : null}
          {current && run.stepDeadlineAt ? (
            <>
              <dt>Step deadline</dt>
              <dd>{formatDateTime(run.stepDeadlineAt)}</dd>
            </>
          ) : null}
          <dt>Started</dt>
          <dd>{formatDateTime(run.createdAt)}</dd>
          <dt>Finished</dt>
          <dd>{run.finishedAt ? formatDateTime(run.finishedAt) : <span className="muted">Not yet</span>}</dd>
        </dl>
      </section>
      {cancelling ? (
        <CancelRunDialog
          runId={run.id}
          subject={subject}
          onClose={() => {
            setCancelling(false);
            void reload();
          }}
          onCancelled={(cancelled) => {
            setCancelling(false);
            setNotice(cancelOutcome(cancelled));
            void reload();
          }}
        />
      ) : null}
    </>
  );
}
