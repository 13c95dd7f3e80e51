import { and, eq, gt, sql } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { inOrg, isOrgAdmin } from "./access.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import { costCenters, organizations } from "./tables.ts";

export type Organization = {
  id: string;
  name: string;
  createdAt: Date;
  costCenterCount: number;
  workspaceCount: number;
  userCount: number;
};

export const DEFAULT_COST_CENTER_NAME = "Default";

export function createOrganizations(deps: TenancyDeps) {
  const { db } = deps;

  /** An organization with its counts, in one query: written out with table names, as the select is on one table. */
  const withCounts = {
    id: organizations.id,
    name: organizations.name,
    createdAt: organizations.createdAt,
    costCenterCount: sql<number>`(SELECT count(*)::int FROM cost_centers c WHERE c.org_id = organizations.id)`,
    workspaceCount: sql<number>`(SELECT count(*)::int FROM workspaces w WHERE w.org_id = organizations.id)`,
    userCount: sql<number>`(SELECT count(*)::int FROM users u WHERE u.org_id = organizations.id)`,
  };

  return {
    async list(caller: Caller, page: Page): Promise<PageOf<Organization>> {
      const p = caller.principal;
      if (!p.isOperator && !p.orgId) return { items: [], nextCursor: null };
      const rows = await db
        .select(withCounts)
        .from(organizations)
        .where(
          and(
            p.isOperator ? undefined : eq(organizations.id, p.orgId ?? ""),
            page.after ? gt(organizations.id, page.after) : undefined,
          ),
        )
        .orderBy(organizations.id)
        .limit(page.limit + 1);
      return pageOf(rows, page.limit, (r) => r.id);
    },

    async create(caller: Caller, input: { name: string }): Promise<Result<Organization, TenancyError>> {
      if (!caller.principal.isOperator)
        return err(tenancyErrors.forbidden("Only partner operators create organizations."));
      const at = deps.clock.now();
      const org = {
        id: newId("organization", at),
        name: input.name,
        createdAt: at,
        createdBy: caller.principal.userId,
      };
      try {
        await db.transaction(async (tx) => {
          await tx.insert(organizations).values(org);
          const ccId = newId("costCenter", at);
          await tx.insert(costCenters).values({
            id: ccId,
            orgId: org.id,
            name: DEFAULT_COST_CENTER_NAME,
            isDefault: true,
            createdAt: at,
          });
          await deps.audit.record(tx, caller.actor, {
            orgId: org.id,
            action: "organization.created",
            targetType: "organization",
            targetId: org.id,
            details: { name: org.name, defaultCostCenterId: ccId },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("organization", input.name));
        throw e;
      }
      return ok({
        id: org.id,
        name: org.name,
        createdAt: at,
        costCenterCount: 1,
        workspaceCount: 0,
        userCount: 0,
      });
    },

    /** An organization's name for a message to someone outside it (a mail, a public page); null when unknown. */
    async nameOf(id: string): Promise<string | null> {
      const [org] = await db
        .select({ name: organizations.name })
        .from(organizations)
        .where(eq(organizations.id, id));
      return org?.name ?? null;
    },

    async get(caller: Caller, id: string): Promise<Result<Organization, TenancyError>> {
      if (!inOrg(caller.principal, id)) return err(tenancyErrors.notFound("organization", id));
      const [org] = await db.select(withCounts).from(organizations).where(eq(organizations.id, id));
      return org ? ok(org) : err(tenancyErrors.notFound("organization", id));
    },

    async rename(
      caller: Caller,
      id: string,
      input: { name: string },
    ): Promise<Result<Organization, TenancyError>> {
      if (!inOrg(caller.principal, id)) return err(tenancyErrors.notFound("organization", id));
      if (!isOrgAdmin(caller.principal, id))
        return err(tenancyErrors.forbidden("Only organization administrators rename the organization."));
      try {
        const found = await db.transaction(async (tx) => {
          const [row] = await tx
            .update(organizations)
            .set({ name: input.name })
            .where(eq(organizations.id, id))
            .returning({ id: organizations.id });
          if (!row) return false;
          await deps.audit.record(tx, caller.actor, {
            orgId: id,
            action: "organization.renamed",
            targetType: "organization",
            targetId: id,
            details: { name: input.name },
          });
          return true;
        });
        if (!found) return err(tenancyErrors.notFound("organization", id));
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.nameTaken("organization", input.name));
        throw e;
      }
      return this.get(caller, id);
    },
  };
}
