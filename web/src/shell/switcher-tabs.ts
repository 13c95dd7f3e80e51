import type { Contexts } from "../api/types.ts";
import type { Scope } from "../scope/scope.ts";

export type SwitcherTabId = "organizations" | "cost-centers" | "workspaces" | "favorites";
export type SwitcherItem = { id: string; name: string; detail: string; kind: Scope["kind"] };
export type SwitcherTab = { id: SwitcherTabId; label: string; items: SwitcherItem[] };

/**
 * The context switcher's tabs. Organizations show to those who administer one (and operators), Cost Centers
 * to org admins and cost-center admins (only their own: the server lists just those); everyone has
 * Workspaces and Favorites.
 */
export function switcherTabs(contexts: Contexts): SwitcherTab[] {
  const orgName = new Map(contexts.organizations.map((o) => [o.id, o.name]));
  const ccName = new Map(contexts.costCenters.map((c) => [c.id, c.name]));
  const manyOrgs = contexts.organizations.length > 1;

  const organizations: SwitcherItem[] = contexts.organizations
    .filter((o) => o.role !== "member")
    .map((o) => ({
      id: o.id,
      name: o.name,
      detail: o.role === "operator" ? "Operator" : "Administrator",
      kind: "organization",
    }));
  const costCenters: SwitcherItem[] = contexts.costCenters.map((c) => ({
    id: c.id,
    name: c.name,
    detail: manyOrgs ? (orgName.get(c.orgId) ?? "") : "Cost center",
    kind: "cost-center",
  }));
  const workspaces: SwitcherItem[] = contexts.workspaces.map((w) => {
    const where = [manyOrgs ? orgName.get(w.orgId) : undefined, ccName.get(w.costCenterId)]
      .filter(Boolean)
      .join(" · ");
    const kind = w.kind === "personal" ? "Personal" : "Team";
    return { id: w.id, name: w.name, detail: where ? `${kind} · ${where}` : kind, kind: "workspace" };
  });
  const byId = new Map([...organizations, ...costCenters, ...workspaces].map((i) => [i.id, i]));
  const favorites = contexts.favorites.flatMap((id) => {
    const item = byId.get(id);
    return item ? [item] : [];
  });

  const tabs: SwitcherTab[] = [];
  if (organizations.length > 0)
    tabs.push({ id: "organizations", label: "Organizations", items: organizations });
  if (costCenters.length > 0) tabs.push({ id: "cost-centers", label: "Cost Centers", items: costCenters });
  tabs.push({ id: "workspaces", label: "Workspaces", items: workspaces });
  tabs.push({ id: "favorites", label: "Favorites", items: favorites });
  return tabs;
}

/** Items whose name or detail contains every word of the search, ignoring case. */
export function filterItems(items: SwitcherItem[], search: string): SwitcherItem[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((i) => {
    const text = `${i.name} ${i.detail}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}
