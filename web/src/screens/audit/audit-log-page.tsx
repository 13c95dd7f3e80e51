import { useState } from "react";
import type { AuditEvent } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { useScope } from "../../scope/scope-context.ts";
import { EmptyState } from "../../ui/empty-state.tsx";
import { formatDateTime } from "../../ui/format-time.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";
import { knownAuditActions } from "./audit-actions.ts";
import { usePagedList } from "./use-paged-list.ts";

function actorOf(e: AuditEvent): string {
  if (e.actorKind === "system") return "System";
  const who = e.actorEmail ?? e.actorId ?? "unknown";
  return e.actorKind === "token" ? `${who} (API token)` : who;
}

/** `?target=prv_…`: the trail of one thing, e.g. everything that happened to a provider and its migration. */
const targetOfLocation = () => {
  const target = new URLSearchParams(window.location.search).get("target");
  return target && /^[a-z]+_[0-9a-z]{26}$/.test(target) ? target : undefined;
};

/** Who did what, when: the organization's audit trail (all organizations for operators without a scope). */
export function AuditLogPage() {
  const api = useApi();
  const { orgId } = useScope();
  const [action, setAction] = useState("");
  const [applied, setApplied] = useState("");
  const [target, setTarget] = useState(targetOfLocation);
  const events = usePagedList(
    (cursor) => {
      const query = { action: applied || undefined, targetId: target, cursor, limit: 50 };
      return orgId ? api.audit.ofOrganization(orgId, query) : api.audit.all(query);
    },
    `${orgId ?? "all"}/${applied}/${target ?? ""}`,
  );
  const costCenters = useLoad(() => (orgId ? api.costCenters.list(orgId) : Promise.resolve([])), orgId ?? "");
  const ccName = new Map((costCenters.data ?? []).map((c) => [c.id, c.name]));

  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle={
          orgId
            ? "Every change in this organization, newest first."
            : "Every change in all organizations, newest first."
        }
      />
      <form
        className="filter-bar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(action.trim());
        }}
      >
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          list="audit-action-list"
          placeholder="e.g. workspace.created"
          value={action}
          onChange={(e) => setAction(e.target.value)}
        />
        <datalist id="audit-action-list">
          {knownAuditActions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" className="btn">
          Filter
        </button>
        {target ? (
          <span className="filter-chip">
            Only <code>{target}</code>{" "}
            <button type="button" className="btn btn-link" onClick={() => setTarget(undefined)}>
              Show everything
            </button>
          </span>
        ) : null}
        {applied ? (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setAction("");
              setApplied("");
            }}
          >
            Clear
          </button>
        ) : null}
      </form>
      {events.error ? <LoadError error={events.error} onRetry={() => void events.reload()} /> : null}
      {!events.loading && !events.error && events.items.length === 0 ? (
        <EmptyState title={applied ? `No “${applied}” events` : "No events yet"}>
          <p>
            {applied
              ? "Clear the filter or try another action name."
              : "Changes people make will be listed here."}
          </p>
        </EmptyState>
      ) : null}
      {events.items.length > 0 ? (
        <table className="table table-dense" data-testid="audit-table">
          <thead>
            <tr>
              <th>Time</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Target</th>
              <th>Cost center</th>
              <th>Request id</th>
            </tr>
          </thead>
          <tbody>
            {events.items.map((e) => (
              <tr key={e.id}>
                <td className="nowrap">{formatDateTime(e.at)}</td>
                <td>{actorOf(e)}</td>
                <td>
                  <code className="action">{e.action}</code>
                </td>
                <td>
                  <span className="muted">{e.targetType}</span>{" "}
                  {e.targetId ? <code>{e.targetId}</code> : null}
                </td>
                <td>
                  {e.costCenterId ? (
                    (ccName.get(e.costCenterId) ?? <code>{e.costCenterId}</code>)
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  {e.requestId ? (
                    <code className="request-id" title={e.requestId}>
                      {e.requestId.slice(0, 8)}
                    </code>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <div className="load-more">
        {events.hasMore ? (
          <button
            type="button"
            className="btn"
            disabled={events.loading}
            onClick={() => void events.loadMore()}
          >
            {events.loading ? "Loading…" : "Load more"}
          </button>
        ) : events.loading ? (
          <span className="muted">Loading…</span>
        ) : null}
      </div>
    </>
  );
}
