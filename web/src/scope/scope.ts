import type { Contexts } from "../api/types.ts";

/** Where the user is working: an organization, one of its cost centers, or a workspace. */
export type Scope =
  | { kind: "organization"; id: string; orgId: string; name: string }
  | { kind: "cost-center"; id: string; orgId: string; name: string }
  | { kind: "workspace"; id: string; orgId: string; costCenterId: string; name: string };

export const scopeKindLabel: Record<Scope["kind"], string> = {
  organization: "Organization",
  "cost-center": "Cost center",
  workspace: "Workspace",
};

/** Finds a scope by id among the contexts the user may switch to. */
export function findScope(contexts: Contexts, id: string): Scope | null {
  const org = contexts.organizations.find((o) => o.id === id);
  if (org) return { kind: "organization", id: org.id, orgId: org.id, name: org.name };
  const cc = contexts.costCenters.find((c) => c.id === id);
  if (cc) return { kind: "cost-center", id: cc.id, orgId: cc.orgId, name: cc.name };
  const ws = contexts.workspaces.find((w) => w.id === id);
  if (ws)
    return { kind: "workspace", id: ws.id, orgId: ws.orgId, costCenterId: ws.costCenterId, name: ws.name };
  return null;
}

/**
 * The scope to show: the remembered one if still reachable, otherwise the widest the user may use
 * (an organization they administer, then one of their cost centers, then a workspace).
 */
export function resolveScope(contexts: Contexts, rememberedId: string | null): Scope | null {
  const remembered = rememberedId ? findScope(contexts, rememberedId) : null;
  if (remembered) return remembered;
  const wide = contexts.organizations.find((o) => o.role !== "member");
  const first = wide?.id ?? contexts.costCenters[0]?.id ?? contexts.workspaces[0]?.id;
  return first ? findScope(contexts, first) : null;
}
