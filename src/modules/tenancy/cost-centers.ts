import { and, count, eq, gt, inArray } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { inOrg, isCostCenterAdmin, isOrgAdmin } from "./access.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import { costCenterAdmins, costCenters, users, workspaces } from "./tables.ts";

export type CostCenter = {
  id: string;
  orgId: string;
  name: string;
  isDefault: boolean;
  createdAt: Date;
  admins: { userId: string; name: string; email: string }[];
};

type Row = typeof costCenters.$inferSelect;

export function createCostCenters(deps: TenancyDeps) {
  const { db } = deps;

  async function withAdmins(rows: Row[]): Promise<CostCenter[]> {
    if (rows.length === 0) return [];
    const admins = await db
      .select({ ccId: costCenterAdmins.costCenterId, userId: users.id, name: users.name, email: users.email })
      .from(costCenterAdmins)
      .innerJoin(users, eq(users.id, costCenterAdmins.userId))
      .where(
        inArray(
          costCenterAdmins.costCenterId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(users.name);
    return rows.map((r) => ({
      ...r,
      admins: admins.filter((a) => a.ccId === r.id).map(({ ccId: _c, ...a }) => a),
    }));
  }

  /** Finds a cost center the caller may see; outside the caller's organization it does not exist. */
  async function visible(caller: Caller, id: string): Promise<Result<Row, TenancyError>> {
    const [row] = await db.select().from(costCenters).where(eq(costCenters.id, id));
    if (!row || !inOrg(caller.principal, row.orgId)) return err(tenancyErrors.notFound("cost center", id));
    if (!isCostCenterAdmin(caller.principal, row.orgId, row.id))
      return err(
        tenancyErrors.forbidden(
          "Only organization administrators and this cost center's administrators see it.",
        ),
      );
    return ok(row);
  }

  async function administrable(caller: Caller, id: string): Promise<Result<Row, TenancyError>> {
    const [row] = await db.select().from(costCenters).where(eq(costCenters.id, id));
    if (!row || !inOrg(caller.principal, row.orgId)) return err(tenancyErrors.notFound("cost center", id));
    if (!isOrgAdmin(caller.principal, row.orgId))
      return err(tenancyErrors.forbidden("Only organization administrators manage cost centers."));
    return ok(row);
  }

  return {
    async list(caller: Caller, orgId: string, page: Page): Promise<Result<PageOf<CostCenter>, TenancyError>> {
      const p = caller.principal;
      if (!inOrg(p, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      const onlyOwn = !isOrgAdmin(p, orgId);
      if (onlyOwn && p.costCenterAdminOf.size === 0) return ok({ items: [], nextCursor: null });
      const rows = await db
        .select()
        .from(costCenters)
        .where(
          and(
            eq(costCenters.orgId, orgId),
            onlyOwn ? inArray(costCenters.id, [...p.costCenterAdminOf]) : undefined,
            page.after ? gt(costCenters.id, page.after) : undefined,
          ),
        )
        .orderBy(costCenters.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: await withAdmins(cut.items), nextCursor: cut.nextCursor });
    },

    async create(
      caller: Caller,
      orgId: string,
      input: { name: string },
    ): Promise<Result<CostCenter, TenancyError>> {
      if (!inOrg(caller.principal, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      if (!isOrgAdmin(caller.principal, orgId))
        return err(tenancyErrors.forbidden("Only organization administrators create cost centers."));
      const at = deps.clock.now();
      const row: Row = {
        id: newId("costCenter", at),
        orgId,
        name: input.name,
        isDefault: false,
        createdAt: at,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(costCenters).values(row);
          await deps.audit.record(tx, caller.actor, {
            orgId,
            costCenterId: row.id,
            action: "cost_center.created",
            targetType: "cost_center",
            targetId: row.id,
            details: { name: row.name },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("cost center", input.name));
        throw e;
      }
      return ok({ ...row, admins: [] });
    },

    async get(caller: Caller, id: string): Promise<Result<CostCenter, TenancyError>> {
      const found = await visible(caller, id);
      if (!found.ok) return found;
      const [cc] = await withAdmins([found.value]);
      return cc ? ok(cc) : err(tenancyErrors.notFound("cost center", id));
    },

    async rename(
      caller: Caller,
      id: string,
      input: { name: string },
    ): Promise<Result<CostCenter, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      try {
        await db.transaction(async (tx) => {
          await tx.update(costCenters).set({ name: input.name }).where(eq(costCenters.id, id));
          await deps.audit.record(tx, caller.actor, {
            orgId: found.value.orgId,
            costCenterId: id,
            action: "cost_center.renamed",
            targetType: "cost_center",
            targetId: id,
            details: { from: found.value.name, to: input.name },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("cost center", input.name));
        throw e;
      }
      return this.get(caller, id);
    },

    async remove(caller: Caller, id: string): Promise<Result<null, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      if (found.value.isDefault) return err(tenancyErrors.defaultCostCenter());
      return db.transaction(async (tx): Promise<Result<null, TenancyError>> => {
        const [n] = await tx.select({ n: count() }).from(workspaces).where(eq(workspaces.costCenterId, id));
        if ((n?.n ?? 0) > 0) return err(tenancyErrors.costCenterNotEmpty());
        await tx.delete(costCenterAdmins).where(eq(costCenterAdmins.costCenterId, id));
        await tx.delete(costCenters).where(eq(costCenters.id, id));
        await deps.audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          costCenterId: id,
          action: "cost_center.deleted",
          targetType: "cost_center",
          targetId: id,
          details: { name: found.value.name },
        });
        return ok(null);
      });
    },

    async addAdmin(caller: Caller, id: string, userId: string): Promise<Result<null, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      if (!u || u.orgId !== found.value.orgId || u.status !== "active")
        return err(tenancyErrors.notOrgMember(userId));
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(costCenterAdmins)
          .values({ costCenterId: id, userId, orgId: found.value.orgId, createdAt: deps.clock.now() })
          .onConflictDoNothing()
          .returning({ userId: costCenterAdmins.userId });
        if (inserted.length === 0) return;
        await deps.audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          costCenterId: id,
          action: "cost_center.admin_added",
          targetType: "user",
          targetId: userId,
        });
      });
      return ok(null);
    },

    async removeAdmin(caller: Caller, id: string, userId: string): Promise<Result<null, TenancyError>> {
      const found = await administrable(caller, id);
      if (!found.ok) return found;
      await db.transaction(async (tx) => {
        const removed = await tx
          .delete(costCenterAdmins)
          .where(and(eq(costCenterAdmins.costCenterId, id), eq(costCenterAdmins.userId, userId)))
          .returning({ userId: costCenterAdmins.userId });
        if (removed.length === 0) return;
        await deps.audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          costCenterId: id,
          action: "cost_center.admin_removed",
          targetType: "user",
          targetId: userId,
        });
      });
      return ok(null);
    },
  };
}
