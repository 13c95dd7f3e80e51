import { and, count, eq, gt } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { canListUsers, inOrg, isOrgAdmin } from "./access.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import type { OrgRole } from "./principal.ts";
import { insertMember } from "./new-member.ts";
import { users } from "./tables.ts";

export type User = {
  id: string;
  email: string;
  name: string;
  orgId: string | null;
  orgRole: OrgRole | null;
  isOperator: boolean;
  status: "active" | "disabled";
  createdAt: Date;
};

type Row = typeof users.$inferSelect;

export const toUser = (u: Row): User => ({
  id: u.id,
  email: u.email,
  name: u.name,
  orgId: u.orgId,
  orgRole: u.orgRole,
  isOperator: u.isOperator,
  status: u.status,
  createdAt: u.createdAt,
});

export function createUsers(deps: TenancyDeps) {
  const { db } = deps;

  /** A user of an organization the caller administers. */
  async function administrable(caller: Caller, userId: string): Promise<Result<Row, TenancyError>> {
    const [u] = await db.select().from(users).where(eq(users.id, userId));
    if (!u || !u.orgId || !inOrg(caller.principal, u.orgId))
      return err(tenancyErrors.notFound("user", userId));
    if (!isOrgAdmin(caller.principal, u.orgId))
      return err(tenancyErrors.forbidden("Only organization administrators change users."));
    return ok(u);
  }

  async function activeAdmins(orgId: string): Promise<number> {
    const [n] = await db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.orgId, orgId), eq(users.orgRole, "admin"), eq(users.status, "active")));
    return n?.n ?? 0;
  }

  async function setStatus(
    caller: Caller,
    userId: string,
    status: "active" | "disabled",
  ): Promise<Result<User, TenancyError>> {
    const found = await administrable(caller, userId);
    if (!found.ok) return found;
    const u = found.value;
    if (status === "disabled" && u.id === caller.principal.userId)
      return err(tenancyErrors.cannotDisableSelf());
    if (
      status === "disabled" &&
      u.orgRole === "admin" &&
      u.status === "active" &&
      (await activeAdmins(u.orgId ?? "")) <= 1
    )
      return err(tenancyErrors.lastAdmin());
    if (u.status === status) return ok(toUser(u));
    const at = deps.clock.now();
    const next = { status, disabledAt: status === "disabled" ? at : null };
    await db.transaction(async (tx) => {
      await tx.update(users).set(next).where(eq(users.id, userId));
      await deps.audit.record(tx, caller.actor, {
        orgId: u.orgId,
        action: status === "disabled" ? "user.disabled" : "user.enabled",
        targetType: "user",
        targetId: userId,
      });
    });
    return ok(toUser({ ...u, ...next }));
  }

  return {
    async list(caller: Caller, orgId: string, page: Page): Promise<Result<PageOf<User>, TenancyError>> {
      if (!inOrg(caller.principal, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      if (!canListUsers(caller.principal, orgId))
        return err(tenancyErrors.forbidden("Only administrators see the organization's users."));
      const rows = await db
        .select()
        .from(users)
        .where(and(eq(users.orgId, orgId), page.after ? gt(users.id, page.after) : undefined))
        .orderBy(users.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map(toUser), nextCursor: cut.nextCursor });
    },

    async update(
      caller: Caller,
      userId: string,
      input: { orgRole?: OrgRole | undefined; name?: string | undefined },
    ): Promise<Result<User, TenancyError>> {
      const found = await administrable(caller, userId);
      if (!found.ok) return found;
      const u = found.value;
      if (
        input.orgRole === "member" &&
        u.orgRole === "admin" &&
        u.status === "active" &&
        (await activeAdmins(u.orgId ?? "")) <= 1
      )
        return err(tenancyErrors.lastAdmin());
      const next = { orgRole: input.orgRole ?? u.orgRole, name: input.name ?? u.name };
      await db.transaction(async (tx) => {
        await tx.update(users).set(next).where(eq(users.id, userId));
        await deps.audit.record(tx, caller.actor, {
          orgId: u.orgId,
          action: "user.updated",
          targetType: "user",
          targetId: userId,
          details: { ...input },
        });
      });
      return ok(toUser({ ...u, ...next }));
    },

    disable: (caller: Caller, userId: string) => setStatus(caller, userId, "disabled"),
    enable: (caller: Caller, userId: string) => setStatus(caller, userId, "active"),

    /** A user by id, for the session body; no access check (the caller is that user). */
    async byId(userId: string): Promise<User | null> {
      const [u] = await db.select().from(users).where(eq(users.id, userId));
      return u ? toUser(u) : null;
    },

    /**
     * Creates a user with a password directly, without an invitation: an operator's administrative task (the CLI
     * and the demo seed use it).
     */
    async provision(
      caller: Caller,
      input: { orgId: string; email: string; name: string; orgRole: OrgRole; passwordHash: string },
    ): Promise<Result<User, TenancyError>> {
      if (!caller.principal.isOperator)
        return err(tenancyErrors.forbidden("Only partner operators create users directly."));
      const at = deps.clock.now();
      const userId = newId("user", at);
      try {
        await db.transaction(async (tx) => {
          await insertMember(tx, at, { userId, ...input });
          await deps.audit.record(tx, caller.actor, {
            orgId: input.orgId,
            action: "user.provisioned",
            targetType: "user",
            targetId: userId,
            details: { email: input.email.toLowerCase(), orgRole: input.orgRole },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.emailTaken(input.email));
        throw e;
      }
      const created = await this.byId(userId);
      if (!created) throw new Error(`user ${userId} not found after insert`);
      return ok(created);
    },

    /** What sign-in needs to check a password. */
    async credentialsByEmail(email: string): Promise<{
      userId: string;
      passwordHash: string | null;
      status: "active" | "disabled";
      orgId: string | null;
    } | null> {
      const [u] = await db
        .select({
          userId: users.id,
          passwordHash: users.passwordHash,
          status: users.status,
          orgId: users.orgId,
        })
        .from(users)
        .where(eq(users.email, email.toLowerCase()));
      return u ?? null;
    },

    async passwordHashOf(userId: string): Promise<string | null> {
      const [u] = await db.select({ h: users.passwordHash }).from(users).where(eq(users.id, userId));
      return u?.h ?? null;
    },

    async setPasswordHash(caller: Caller, passwordHash: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash }).where(eq(users.id, caller.principal.userId));
        await deps.audit.record(tx, caller.actor, {
          orgId: caller.principal.orgId,
          action: "user.password_changed",
          targetType: "user",
          targetId: caller.principal.userId,
        });
      });
    },
  };
}
