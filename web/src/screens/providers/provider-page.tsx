import { useEffect, useState } from "react";
import type { MigrationView, ProviderEvent, Provider } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { providerAccessIn } from "../../session/permissions.ts";
import { ConfirmDialog } from "../../ui/confirm-dialog.tsx";
import { EmptyState } from "../../ui/empty-state.tsx";
import { FormError } from "../../ui/form-error.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { unlessForbidden } from "../../ui/unless-forbidden.ts";
import { useLoad } from "../../ui/use-load.ts";
import { useSubmit } from "../../ui/use-submit.ts";
import { MigrationPanel } from "./migration-panel.tsx";
import { OnboardingStepper } from "./onboarding-stepper.tsx";
import { RenameProviderDialog, ShutdownRequestDialog } from "./provider-dialogs.tsx";
import { optionShortLabel, terminalRunStates } from "./provider-labels.ts";
import { ProviderStateBadge } from "./provider-state-badge.tsx";
import { useOnboardingProgress } from "./use-onboarding-progress.ts";

/** While a provider is in one of these states the page reads it again every few seconds. */
const moving = new Set<Provider["state"]>(["initializing", "processing", "deleting"]);
const REFRESH_MS = 5000;

type Dialog = "rename" | "delete" | "shutdown" | null;

function ProviderLog({
  providerId,
  version,
  auditTrail,
}: {
  providerId: string;
  version: number;
  /** Whether the user may read the audit log, where the provider's whole trail is. */
  auditTrail: boolean;
}) {
  const api = useApi();
  const first = useLoad(() => api.providers.logs(providerId), `${providerId}/${version}`);
  const [older, setOlder] = useState<{ items: ProviderEvent[]; next: string | null } | null>(null);
  const more = useSubmit(async () => {
    const cursor = older?.next ?? first.data?.nextCursor;
    if (!cursor) return;
    const page = await api.providers.logs(providerId, cursor);
    setOlder((o) => ({ items: [...(o?.items ?? []), ...page.items], next: page.nextCursor }));
  });
  useEffect(() => setOlder(null), [version]);
  const events = [...(first.data?.items ?? []), ...(older?.items ?? [])];
  const next = older ? older.next : (first.data?.nextCursor ?? null);

  return (
    <section className="card" aria-labelledby="provider-log">
      <h2 id="provider-log">Log</h2>
      {auditTrail ? (
        <p className="muted">
          Who did what, with every step of its onboarding:{" "}
          <Link to={`/audit-log?target=${encodeURIComponent(providerId)}`}>the provider's audit trail</Link>.
        </p>
      ) : null}
      {first.error ? <LoadError error={first.error} onRetry={() => void first.reload()} /> : null}
      <FormError message={more.formError} />
      {first.data && events.length === 0 ? <p className="empty-inline">Nothing logged yet.</p> : null}
      {events.length > 0 ? (
        <table className="table table-dense" data-testid="provider-log">
          <thead>
            <tr>
              <th>When</th>
              <th>Event</th>
              <th>State</th>
              <th>What happened</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.seq}>
                <td className="nowrap">{formatDateTime(e.at)}</td>
                <td>
                  <code>{e.event}</code>
                </td>
                <td className="nowrap">
                  {e.toState ? `${e.fromState ? `${e.fromState} → ` : ""}${e.toState}` : "—"}
                </td>
                <td>{e.message}</td>
                <td>{e.actorEmail ?? <span className="muted">Partner Cloud</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {next ? (
        <div className="load-more">
          <button type="button" className="btn" disabled={more.submitting} onClick={() => void more.run()}>
            Show older entries
          </button>
        </div>
      ) : null}
    </section>
  );
}

/** One provider: its onboarding as it happens, its Azure details, log, and upkeep (sync, rename, delete). */
export function ProviderPage({ workspaceId, providerId }: { workspaceId: string; providerId: string }) {
  const api = useApi();
  const { permissions } = useScope();
  const workspace = useLoad(() => api.workspaces.get(workspaceId), workspaceId);
  const loaded = useLoad(() => api.providers.get(providerId), providerId);
  const [changed, setChanged] = useState<Provider | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [deletionNotice, setDeletionNotice] = useState<string | null>(null);
  const [logVersion, setLogVersion] = useState(0);
  const provider = changed ?? loaded.data;
  const billingAccountId = provider?.billingAccountId ?? null;
  const billing = useLoad(
    () =>
      billingAccountId
        ? unlessForbidden(api.billingAccounts.get(billingAccountId), null)
        : Promise.resolve(null),
    billingAccountId ?? "",
  );

  const refresh = async () => {
    setChanged(null);
    await loaded.reload();
    setLogVersion((v) => v + 1);
  };

  const hasRun =
    provider !== null && (provider.onboardingRunId !== null || provider.option !== "existing-account");
  const onboarding = useOnboardingProgress(
    providerId,
    hasRun && deletionNotice === null,
    () => void refresh(),
  );

  const migrationChanged = (view: MigrationView) => {
    const ended = onboarding.progress !== null && terminalRunStates.has(onboarding.progress.state);
    onboarding.showMigration(view);
    setLogVersion((v) => v + 1);
    // Sending an expired or declined invitation again revives the run: follow it live again.
    if (ended) onboarding.restart();
  };

  const state = provider?.state;
  const reloadProvider = loaded.reload;
  useEffect(() => {
    if (!state || !moving.has(state) || deletionNotice) return;
    const timer = window.setInterval(() => void reloadProvider(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [state, deletionNotice, reloadProvider]);

  const sync = useSubmit(async () => {
    setNotice(null);
    const synced = await api.providers.sync(providerId);
    setChanged(synced);
    setLogVersion((v) => v + 1);
    setNotice(
      synced.state === "ready" ? "Synchronized: the provider is ready." : `Synchronized: ${synced.state}.`,
    );
  });

  const ws = workspace.data;
  const back = (
    <p className="breadcrumb">
      <Link to="/workspaces">Workspaces</Link> /{" "}
      {ws ? <Link to={`/workspaces/${ws.id}`}>{ws.name}</Link> : "…"} /
    </p>
  );
  if (loaded.error || workspace.error) {
    const error = loaded.error ?? workspace.error;
    return (
      <>
        {back}
        <PageHeader title="Provider" />
        <LoadError error={error} onRetry={() => void Promise.all([loaded.reload(), workspace.reload()])} />
      </>
    );
  }
  if (!provider || !ws) return <p className="muted">Loading…</p>;
  const access = providerAccessIn(permissions, ws);
  if (!access.see) {
    return (
      <>
        {back}
        <EmptyState title="Providers are not shown to you in this workspace">
          <p>Your workspace role does not include seeing providers. Ask a workspace administrator.</p>
        </EmptyState>
      </>
    );
  }
  const deleting = provider.state === "deleting" || deletionNotice !== null;
  const account = billing.data;

  return (
    <>
      {back}
      <PageHeader
        title={provider.name}
        subtitle={
          <>
            Microsoft Azure · {optionShortLabel[provider.option]} ·{" "}
            <ProviderStateBadge state={provider.state} />
          </>
        }
        actions={
          access.edit ? (
            <>
              <button
                type="button"
                className="btn"
                disabled={sync.submitting || deleting}
                onClick={() => void sync.run()}
              >
                {sync.submitting ? "Synchronizing…" : "Sync"}
              </button>
              <button type="button" className="btn" disabled={deleting} onClick={() => setDialog("rename")}>
                Rename
              </button>
              <button type="button" className="btn" onClick={() => setDialog("shutdown")}>
                Request account shutdown
              </button>
              <button
                type="button"
                className="btn btn-danger-quiet"
                disabled={deleting}
                onClick={() => setDialog("delete")}
              >
                Delete
              </button>
            </>
          ) : null
        }
      />
      {deletionNotice ? (
        <div className="alert alert-warning" role="status" data-testid="deletion-notice">
          <p>{deletionNotice}</p>
          <p>
            <Link to={`/workspaces/${ws.id}`}>Back to {ws.name}</Link>
          </p>
        </div>
      ) : null}
      {notice ? (
        <div className="alert alert-success" role="status" data-testid="notice">
          {notice}
        </div>
      ) : null}
      <FormError message={sync.formError} />
      {provider.failureReason &&
      (provider.state === "failed" || provider.state === "unavailable") &&
      !onboarding.progress?.migration ? (
        <div className="alert alert-error" role="alert" data-testid="failure-reason">
          {provider.failureReason}
        </div>
      ) : null}
      {onboarding.progress?.migration ? (
        <MigrationPanel
          migration={onboarding.progress.migration}
          providerId={provider.id}
          mayAct={access.optimized && !deleting}
          onChanged={migrationChanged}
        />
      ) : null}
      {hasRun ? (
        <section className="card" aria-labelledby="onboarding-heading" data-testid="onboarding">
          <h2 id="onboarding-heading">Setting up the Azure account</h2>
          {onboarding.progress ? (
            <OnboardingStepper progress={onboarding.progress} live={onboarding.live} />
          ) : onboarding.error ? (
            <LoadError error={onboarding.error} onRetry={() => void refresh()} />
          ) : (
            <p className="muted">Loading the progress…</p>
          )}
        </section>
      ) : null}
      <section className="card" aria-labelledby="provider-details">
        <h2 id="provider-details">Details</h2>
        <dl className="details" data-testid="provider-details">
          <dt>State</dt>
          <dd>
            <ProviderStateBadge state={provider.state} />
          </dd>
          {provider.billingAccountId ? (
            <>
              <dt>Billing account</dt>
              <dd>{account ? `${account.alias} · ${account.name}` : provider.billingAccountId}</dd>
            </>
          ) : null}
          <dt>Azure tenant id</dt>
          <dd>
            {provider.azure.tenantId ? (
              <code>{provider.azure.tenantId}</code>
            ) : (
              <span className="muted">Not known yet</span>
            )}
          </dd>
          {provider.azure.tenant && provider.azure.tenant !== provider.azure.tenantId ? (
            <>
              <dt>Tenant as entered</dt>
              <dd>{provider.azure.tenant}</dd>
            </>
          ) : null}
          <dt>Subscription</dt>
          <dd>
            {provider.azure.subscriptionId ? (
              <>
                {provider.azure.subscriptionName ? `${provider.azure.subscriptionName} · ` : ""}
                <code>{provider.azure.subscriptionId}</code>
              </>
            ) : (
              <span className="muted">Not created yet</span>
            )}
          </dd>
          {provider.azure.clientId ? (
            <>
              <dt>Application (client) id</dt>
              <dd>
                <code>{provider.azure.clientId}</code>
                {provider.azure.clientSecret ? (
                  <span className="muted"> · secret {provider.azure.clientSecret}</span>
                ) : null}
              </dd>
            </>
          ) : null}
          <dt>Created</dt>
          <dd>{formatDateTime(provider.createdAt)}</dd>
          <dt>Last synchronized</dt>
          <dd>
            {provider.lastSyncedAt ? (
              formatDateTime(provider.lastSyncedAt)
            ) : (
              <span className="muted">Never</span>
            )}
          </dd>
        </dl>
      </section>
      <ProviderLog providerId={provider.id} version={logVersion} auditTrail={permissions.canSeeAuditLog} />
      {dialog === "rename" ? (
        <RenameProviderDialog
          provider={provider}
          onClose={() => setDialog(null)}
          onRenamed={(p) => {
            setDialog(null);
            setChanged(p);
            setLogVersion((v) => v + 1);
          }}
        />
      ) : null}
      {dialog === "shutdown" ? (
        <ShutdownRequestDialog
          provider={provider}
          onClose={() => setDialog(null)}
          onRequested={(r) => {
            setDialog(null);
            setNotice(
              `Your shutdown request (${r.id}) is with the partner's support desk. Charges stop once they turn the account off.`,
            );
          }}
        />
      ) : null}
      {dialog === "delete" ? (
        <ConfirmDialog
          title={`Delete ${provider.name}?`}
          confirmLabel="Delete provider"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const removed = await api.providers.remove(provider.id);
            setChanged(removed.provider);
            setDeletionNotice(removed.notice);
          }}
        >
          <p>
            Partner Cloud stops managing this provider.{" "}
            <strong>
              This does not close the Azure account or its subscription, and their charges continue
            </strong>
            : use “Request account shutdown” for that, before or after deleting.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
