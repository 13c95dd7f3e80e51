import { and, eq, inArray, or } from "drizzle-orm";
import { idPattern } from "../../platform/ids.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import type { WorkspaceRole } from "./principal.ts";
import { costCenters, favorites, organizations, workspaces } from "./tables.ts";

export type Contexts = {
  organizations: { id: string; name: string; role: "admin" | "member" | "operator" }[];
  costCenters: { id: string; orgId: string; name: string }[];
  workspaces: {
    id: string;
    orgId: string;
    costCenterId: string;
    name: string;
    kind: "personal" | "team";
    role: WorkspaceRole;
  }[];
  favorites: string[];
};

const scopeKinds = ["organization", "costCenter", "workspace"] as const;
const isScopeId = (id: string) => scopeKinds.some((k) => idPattern(k).test(id));

/** What the context switcher offers a user: the scopes they can act in, and the ones they starred. */
export function createContexts(deps: TenancyDeps) {
  const { db } = deps;
  return {
    async of(caller: Caller): Promise<Contexts> {
      const p = caller.principal;
      const orgs = p.isOperator
        ? await db.select().from(organizations).orderBy(organizations.name)
        : p.orgId
          ? await db.select().from(organizations).where(eq(organizations.id, p.orgId))
          : [];
      const adminAll = p.isOperator || p.orgRole === "admin";
      const orgIds = orgs.map((o) => o.id);
      const ccAdminOf = [...p.costCenterAdminOf];
      const wsIds = [...p.workspaceRoles.keys()];
      const ccs =
        orgIds.length === 0 || (!adminAll && ccAdminOf.length === 0)
          ? []
          : await db
              .select()
              .from(costCenters)
              .where(
                and(
                  inArray(costCenters.orgId, orgIds),
                  adminAll ? undefined : inArray(costCenters.id, ccAdminOf),
                ),
              )
              .orderBy(costCenters.name);
      const wss =
        orgIds.length === 0 || (!adminAll && ccAdminOf.length === 0 && wsIds.length === 0)
          ? []
          : await db
              .select()
              .from(workspaces)
              .where(
                and(
                  inArray(workspaces.orgId, orgIds),
                  adminAll
                    ? undefined
                    : or(
                        ccAdminOf.length ? inArray(workspaces.costCenterId, ccAdminOf) : undefined,
                        wsIds.length ? inArray(workspaces.id, wsIds) : undefined,
                      ),
                ),
              )
              .orderBy(workspaces.name);
      const favs = await db
        .select()
        .from(favorites)
        .where(eq(favorites.userId, p.userId))
        .orderBy(favorites.createdAt);
      return {
        organizations: orgs.map((o) => ({
          id: o.id,
          name: o.name,
          role: p.isOperator ? "operator" : (p.orgRole ?? "member"),
        })),
        costCenters: ccs.map((c) => ({ id: c.id, orgId: c.orgId, name: c.name })),
        workspaces: wss.map((w) => ({
          id: w.id,
          orgId: w.orgId,
          costCenterId: w.costCenterId,
          name: w.name,
          kind: w.kind,
          role:
            adminAll || p.costCenterAdminOf.has(w.costCenterId)
              ? "admin"
              : (p.workspaceRoles.get(w.id) ?? "visitor"),
        })),
        favorites: favs.map((f) => f.scopeId),
      };
    },

    async addFavorite(caller: Caller, scopeId: string): Promise<Result<null, TenancyError>> {
      if (!isScopeId(scopeId)) return err(tenancyErrors.notFound("scope", scopeId));
      await db.transaction(async (tx) => {
        const added = await tx
          .insert(favorites)
          .values({ userId: caller.principal.userId, scopeId, createdAt: deps.clock.now() })
          .onConflictDoNothing()
          .returning({ scopeId: favorites.scopeId });
        if (added.length === 0) return;
        await deps.audit.record(tx, caller.actor, {
          orgId: caller.principal.orgId,
          action: "user.favorite_added",
          targetType: "scope",
          targetId: scopeId,
        });
      });
      return ok(null);
    },

    async removeFavorite(caller: Caller, scopeId: string): Promise<Result<null, TenancyError>> {
      await db.transaction(async (tx) => {
        const removed = await tx
          .delete(favorites)
          .where(and(eq(favorites.userId, caller.principal.userId), eq(favorites.scopeId, scopeId)))
          .returning({ scopeId: favorites.scopeId });
        if (removed.length === 0) return;
        await deps.audit.record(tx, caller.actor, {
          orgId: caller.principal.orgId,
          action: "user.favorite_removed",
          targetType: "scope",
          targetId: scopeId,
        });
      });
      return ok(null);
    },
  };
}
