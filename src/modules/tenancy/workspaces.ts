import { and, eq, gt, inArray, or, type SQL } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { canAdministerWorkspace, canSeeWorkspace, inOrg, isCostCenterAdmin, isOrgAdmin } from "./access.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import type { Principal, WorkspaceRole } from "./principal.ts";
import { costCenters, users, workspaceMembers, workspaces } from "./tables.ts";

export type Workspace = {
  id: string;
  orgId: string;
  costCenterId: string;
  name: string;
  kind: "personal" | "team";
  icon: string | null;
  ownerUserId: string | null;
  createdAt: Date;
  myRole: WorkspaceRole | null;
};

export type Member = { userId: string; name: string; email: string; role: WorkspaceRole };

type Row = typeof workspaces.$inferSelect;

/** The role the caller acts with in a workspace: its own membership, or admin through an administrative scope. */
function roleIn(p: Principal, ws: Row): WorkspaceRole | null {
  if (isCostCenterAdmin(p, ws.orgId, ws.costCenterId)) return "admin";
  return p.orgId === ws.orgId ? (p.workspaceRoles.get(ws.id) ?? null) : null;
}

export function createWorkspaces(deps: TenancyDeps) {
  const { db } = deps;
  const view = (p: Principal, ws: Row): Workspace => ({ ...ws, myRole: roleIn(p, ws) });

  async function visible(caller: Caller, id: string): Promise<Result<Row, TenancyError>> {
    const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
    if (!row || !inOrg(caller.principal, row.orgId)) return err(tenancyErrors.notFound("workspace", id));
    if (!canSeeWorkspace(caller.principal, row))
      return err(
        tenancyErrors.forbidden("You are not a member of this workspace. Ask its administrator to add you."),
      );
    return ok(row);
  }

  async function administrable(caller: Caller, id: string): Promise<Result<Row, TenancyError>> {
    const found = await visible(caller, id);
    if (!found.ok) return found;
    if (!canAdministerWorkspace(caller.principal, found.value))
      return err(tenancyErrors.forbidden("Only this workspace's administrators change it or its members."));
    return found;
  }

  return {
    async list(
      caller: Caller,
      orgId: string,
      filter: { costCenterId?: string },
      page: Page,
    ): Promise<Result<PageOf<Workspace>, TenancyError>> {
      const p = caller.principal;
      if (!inOrg(p, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      let scope: SQL | undefined;
      if (!isOrgAdmin(p, orgId)) {
        const ccs = [...p.costCenterAdminOf];
        const wss = [...p.workspaceRoles.keys()];
        if (ccs.length === 0 && wss.length === 0) return ok({ items: [], nextCursor: null });
        scope = or(
          ccs.length ? inArray(workspaces.costCenterId, ccs) : undefined,
          wss.length ? inArray(workspaces.id, wss) : undefined,
        );
      }
      const rows = await db
        .select()
        .from(workspaces)
        .where(
          and(
            eq(workspaces.orgId, orgId),
            scope,
            filter.costCenterId ? eq(workspaces.costCenterId, filter.costCenterId) : undefined,
            page.after ? gt(workspaces.id, page.after) : undefined,
          ),
        )
        .orderBy(workspaces.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map((r) => view(p, r)), nextCursor: cut.nextCursor });
    },

    async create(
      caller: Caller,
      orgId: string,
      input: { name: string; costCenterId: string; icon?: string | null },
    ): Promise<Result<Workspace, TenancyError>> {
      const p = caller.principal;
      if (!inOrg(p, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      const [cc] = await db.select().from(costCenters).where(eq(costCenters.id, input.costCenterId));
      if (!cc || cc.orgId !== orgId) return err(tenancyErrors.costCenterOutsideOrg());
      if (!isCostCenterAdmin(p, orgId, cc.id))
        return err(
          tenancyErrors.forbidden(
            "Only organization administrators and this cost center's administrators create workspaces in it.",
          ),
        );
      const at = deps.clock.now();
      const row: Row = {
        id: newId("workspace", at),
        orgId,
        costCenterId: cc.id,
        kind: "team",
        name: input.name,
        icon: input.icon ?? null,
        ownerUserId: null,
        createdAt: at,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(workspaces).values(row);
          await deps.audit.record(tx, caller.actor, {
            orgId,
            costCenterId: cc.id,
            action: "workspace.created",
            targetType: "workspace",
            targetId: row.id,
            details: { name: row.name },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("workspace", input.name));
        throw e;
      }
      return ok(view(p, row));
    },

    async get(caller: Caller, id: string): Promise<Result<Workspace, TenancyError>> {
      const found = await visible(caller, id);
      return found.ok ? ok(view(caller.principal, found.value)) : found;
    },

    async update(
      caller: Caller,
      id: string,
      input: { name?: string | undefined; icon?: string | null | undefined },
    ): Promise<Result<Workspace, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      const ws = found.value;
      const next = { name: input.name ?? ws.name, icon: input.icon === undefined ? ws.icon : input.icon };
      try {
        await db.transaction(async (tx) => {
          await tx.update(workspaces).set(next).where(eq(workspaces.id, id));
          await deps.audit.record(tx, caller.actor, {
            orgId: ws.orgId,
            costCenterId: ws.costCenterId,
            action: "workspace.updated",
            targetType: "workspace",
            targetId: id,
            details: { ...input },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("workspace", next.name));
        throw e;
      }
      return ok(view(caller.principal, { ...ws, ...next }));
    },

    async remove(caller: Caller, id: string): Promise<Result<null, TenancyError>> {
      const found = await visible(caller, id);
      if (!found.ok) return found;
      const ws = found.value;
      if (!isCostCenterAdmin(caller.principal, ws.orgId, ws.costCenterId))
        return err(
          tenancyErrors.forbidden(
            "Only organization administrators and the cost center's administrators delete workspaces.",
          ),
        );
      if (ws.kind === "personal") return err(tenancyErrors.personalWorkspace());
      await db.transaction(async (tx) => {
        await tx.delete(workspaceMembers).where(eq(workspaceMembers.workspaceId, id));
        await tx.delete(workspaces).where(eq(workspaces.id, id));
        await deps.audit.record(tx, caller.actor, {
          orgId: ws.orgId,
          costCenterId: ws.costCenterId,
          action: "workspace.deleted",
          targetType: "workspace",
          targetId: id,
          details: { name: ws.name },
        });
      });
      return ok(null);
    },

    async members(caller: Caller, id: string, page: Page): Promise<Result<PageOf<Member>, TenancyError>> {
      const found = await visible(caller, id);
      if (!found.ok) return found;
      const rows = await db
        .select({ userId: users.id, name: users.name, email: users.email, role: workspaceMembers.role })
        .from(workspaceMembers)
        .innerJoin(users, eq(users.id, workspaceMembers.userId))
        .where(and(eq(workspaceMembers.workspaceId, id), page.after ? gt(users.id, page.after) : undefined))
        .orderBy(users.id)
        .limit(page.limit + 1);
      return ok(pageOf(rows, page.limit, (r) => r.userId));
    },

    async setMember(
      caller: Caller,
      id: string,
      userId: string,
      role: WorkspaceRole,
    ): Promise<Result<null, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      const ws = found.value;
      if (ws.kind === "personal") return err(tenancyErrors.personalWorkspace());
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      if (!u || u.orgId !== ws.orgId || u.status !== "active") return err(tenancyErrors.notOrgMember(userId));
      await db.transaction(async (tx) => {
        await tx
          .insert(workspaceMembers)
          .values({ workspaceId: id, userId, orgId: ws.orgId, role, createdAt: deps.clock.now() })
          .onConflictDoUpdate({
            target: [workspaceMembers.workspaceId, workspaceMembers.userId],
            set: { role },
          });
        await deps.audit.record(tx, caller.actor, {
          orgId: ws.orgId,
          costCenterId: ws.costCenterId,
          action: "workspace.member_set",
          targetType: "user",
          targetId: userId,
          details: { workspaceId: id, role },
        });
      });
      return ok(null);
    },

    async removeMember(caller: Caller, id: string, userId: string): Promise<Result<null, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      const ws = found.value;
      if (ws.kind === "personal") return err(tenancyErrors.personalWorkspace());
      await db.transaction(async (tx) => {
        const removed = await tx
          .delete(workspaceMembers)
          .where(and(eq(workspaceMembers.workspaceId, id), eq(workspaceMembers.userId, userId)))
          .returning({ userId: workspaceMembers.userId });
        if (removed.length === 0) return;
        await deps.audit.record(tx, caller.actor, {
          orgId: ws.orgId,
          costCenterId: ws.costCenterId,
          action: "workspace.member_removed",
          targetType: "user",
          targetId: userId,
          details: { workspaceId: id },
        });
      });
      return ok(null);
    },
  };
}
