import { useApi } from "../../app/api-context.ts";
import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import { scopeKindLabel } from "../../scope/scope.ts";
import { LoadError } from "../../ui/load-error.tsx";
import { PageHeader } from "../../ui/page-header.tsx";
import { useLoad } from "../../ui/use-load.ts";

/** The current organization at a glance. */
export function OverviewPage() {
  const api = useApi();
  const { orgId, scope, permissions } = useScope();
  const org = useLoad(() => (orgId ? api.organizations.get(orgId) : Promise.resolve(null)), orgId ?? "");

  const cards = org.data
    ? [
        {
          label: "Cost centers",
          value: org.data.costCenterCount,
          to: permissions.canSeeCostCenters ? "/cost-centers" : null,
          testId: "count-cost-centers",
        },
        {
          label: "Workspaces",
          value: org.data.workspaceCount,
          to: "/workspaces",
          testId: "count-workspaces",
        },
        {
          label: "Users",
          value: org.data.userCount,
          to: permissions.canListUsers ? "/users" : null,
          testId: "count-users",
        },
      ]
    : [];

  return (
    <>
      <PageHeader
        title={org.data?.name ?? "Overview"}
        subtitle={
          scope && scope.kind !== "organization"
            ? `Working in ${scopeKindLabel[scope.kind].toLowerCase()} ${scope.name}`
            : "Organization overview"
        }
      />
      {org.error ? <LoadError error={org.error} onRetry={() => void org.reload()} /> : null}
      <div className="cards">
        {cards.map((c) => (
          <div key={c.label} className="card stat">
            <span className="stat-value" data-testid={c.testId}>
              {c.value}
            </span>
            <span className="stat-label">{c.to ? <Link to={c.to}>{c.label}</Link> : c.label}</span>
          </div>
        ))}
      </div>
      {permissions.isOrgAdmin ? (
        <section className="card next-steps">
          <h2>Next steps</h2>
          <ul>
            <li>
              Split spending by department: <Link to="/cost-centers">create a cost center</Link>.
            </li>
            <li>
              Give a team its space: <Link to="/workspaces">create a team workspace</Link>.
            </li>
            <li>
              Bring people in: <Link to="/users">invite users</Link>.
            </li>
            <li>
              Have Azure billed through the partner:{" "}
              <Link to="/billing-accounts">connect a partner cloud account</Link> and accept its terms, then
              add a Microsoft Azure provider to a workspace.
            </li>
          </ul>
        </section>
      ) : null}
    </>
  );
}
