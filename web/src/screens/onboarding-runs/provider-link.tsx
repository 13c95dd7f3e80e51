import { Link } from "../../routing/link.tsx";
import { useScope } from "../../scope/scope-context.ts";
import type { ProviderLookup } from "./run-names.ts";

/**
 * The provider a run onboards, linked to its page in its workspace. Following the link switches the console to the
 * provider's organization, so the context switcher and navigation match the page.
 */
export function ProviderLink({
  providerId,
  lookup,
}: {
  providerId: string | null;
  lookup: ProviderLookup | undefined;
}) {
  const { contexts, orgId, selectScope } = useScope();
  if (!lookup) return <span className="muted">{providerId ?? "…"}</span>;
  if ("error" in lookup)
    return (
      <span data-testid="run-provider">
        {providerId ? <code>{providerId}</code> : null} <span className="muted">{lookup.error}</span>
      </span>
    );
  const p = lookup.provider;
  return (
    <Link
      to={`/workspaces/${p.workspaceId}/providers/${p.id}`}
      data-testid="run-provider"
      onClick={() => {
        if (orgId !== p.orgId && contexts.organizations.some((o) => o.id === p.orgId)) selectScope(p.orgId);
      }}
    >
      {p.name}
    </Link>
  );
}
