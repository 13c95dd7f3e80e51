import { and, eq, gt, isNull } from "drizzle-orm";
import { newSecret, sha256 } from "../../platform/crypto.ts";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { inOrg, isOrgAdmin } from "./access.ts";
import type { Caller } from "./caller.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import type { OrgRole, WorkspaceRole } from "./principal.ts";
import { insertMember } from "./new-member.ts";
import { invitations, organizations, users, workspaceMembers, workspaces } from "./tables.ts";

export type Invitation = {
  id: string;
  orgId: string;
  email: string;
  orgRole: OrgRole;
  workspaceId: string | null;
  workspaceRole: WorkspaceRole | null;
  status: "pending" | "accepted" | "revoked" | "expired";
  expiresAt: Date;
  createdAt: Date;
  invitedBy: string;
};

type Row = typeof invitations.$inferSelect;

export function createInvitations(deps: TenancyDeps) {
  const { db } = deps;

  const view = (r: Row): Invitation => ({
    id: r.id,
    orgId: r.orgId,
    email: r.email,
    orgRole: r.orgRole,
    workspaceId: r.workspaceId,
    workspaceRole: r.workspaceRole,
    status: r.acceptedAt
      ? "accepted"
      : r.revokedAt
        ? "revoked"
        : r.expiresAt <= deps.clock.now()
          ? "expired"
          : "pending",
    expiresAt: r.expiresAt,
    createdAt: r.createdAt,
    invitedBy: r.invitedBy,
  });

  async function pendingByToken(token: string): Promise<Row | undefined> {
    const [r] = await db
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, sha256(token)));
    return r && view(r).status === "pending" ? r : undefined;
  }

  return {
    async list(caller: Caller, orgId: string, page: Page): Promise<Result<PageOf<Invitation>, TenancyError>> {
      if (!inOrg(caller.principal, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      if (!isOrgAdmin(caller.principal, orgId))
        return err(tenancyErrors.forbidden("Only organization administrators see invitations."));
      const rows = await db
        .select()
        .from(invitations)
        .where(and(eq(invitations.orgId, orgId), page.after ? gt(invitations.id, page.after) : undefined))
        .orderBy(invitations.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map(view), nextCursor: cut.nextCursor });
    },

    async create(
      caller: Caller,
      orgId: string,
      input: {
        email: string;
        orgRole: OrgRole;
        workspaceId?: string | undefined;
        workspaceRole?: WorkspaceRole | undefined;
      },
    ): Promise<Result<Invitation, TenancyError>> {
      if (!inOrg(caller.principal, orgId)) return err(tenancyErrors.notFound("organization", orgId));
      if (!isOrgAdmin(caller.principal, orgId))
        return err(tenancyErrors.forbidden("Only organization administrators invite users."));
      const email = input.email.toLowerCase();
      const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (existing) return err(tenancyErrors.emailTaken(email));
      const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId));
      if (!org) return err(tenancyErrors.notFound("organization", orgId));
      let workspaceName: string | null = null;
      if (input.workspaceId) {
        const [ws] = await db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId));
        if (!ws || ws.orgId !== orgId || ws.kind !== "team") return err(tenancyErrors.workspaceOutsideOrg());
        workspaceName = ws.name;
      }
      const at = deps.clock.now();
      const token = newSecret("pci");
      const row: Row = {
        id: newId("invitation", at),
        orgId,
        email,
        tokenHash: sha256(token),
        orgRole: input.orgRole,
        workspaceId: input.workspaceId ?? null,
        workspaceRole: input.workspaceId ? (input.workspaceRole ?? "user") : null,
        invitedBy: caller.principal.userId,
        createdAt: at,
        expiresAt: new Date(at.getTime() + deps.invitationTtlHours * 3_600_000),
        acceptedAt: null,
        acceptedUserId: null,
        revokedAt: null,
      };
      // The token travels in the URL fragment, which browsers never send to a server or put in a Referer.
      const link = `${deps.publicUrl}/invite#token=${token}`;
      await db.transaction(async (tx) => {
        await tx.insert(invitations).values(row);
        await deps.notifications.enqueueMail(tx, {
          to: [email],
          subject: `You are invited to ${org.name} on Partner Cloud`,
          text:
            `${caller.principal.name} invited you to join ${org.name} on Partner Cloud` +
            `${workspaceName ? ` (workspace ${workspaceName})` : ""}.\n\n` +
            `Accept the invitation: ${link}\n\n` +
            `The link works once and expires on ${row.expiresAt.toISOString()}.\n`,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId,
          action: "invitation.created",
          targetType: "invitation",
          targetId: row.id,
          details: {
            email,
            orgRole: row.orgRole,
            workspaceId: row.workspaceId,
            workspaceRole: row.workspaceRole,
          },
        });
      });
      return ok(view(row));
    },

    async revoke(caller: Caller, id: string): Promise<Result<null, TenancyError>> {
      const [r] = await db.select().from(invitations).where(eq(invitations.id, id));
      if (!r || !inOrg(caller.principal, r.orgId)) return err(tenancyErrors.notFound("invitation", id));
      if (!isOrgAdmin(caller.principal, r.orgId))
        return err(tenancyErrors.forbidden("Only organization administrators revoke invitations."));
      if (view(r).status !== "pending") return ok(null);
      await db.transaction(async (tx) => {
        await tx.update(invitations).set({ revokedAt: deps.clock.now() }).where(eq(invitations.id, id));
        await deps.audit.record(tx, caller.actor, {
          orgId: r.orgId,
          action: "invitation.revoked",
          targetType: "invitation",
          targetId: id,
        });
      });
      return ok(null);
    },

    async preview(
      token: string,
    ): Promise<Result<{ organizationName: string; email: string; expiresAt: Date }, TenancyError>> {
      const r = await pendingByToken(token);
      if (!r) return err(tenancyErrors.invitationInvalid());
      const [org] = await db.select().from(organizations).where(eq(organizations.id, r.orgId));
      return org
        ? ok({ organizationName: org.name, email: r.email, expiresAt: r.expiresAt })
        : err(tenancyErrors.invitationInvalid());
    },

    /**
     * Redeems an invitation once: creates the user, their personal workspace in the default cost center and the
     * workspace membership the invitation grants. A second redemption, even a concurrent one, is refused.
     */
    async accept(
      token: string,
      input: { name: string; passwordHash: string },
      requestId: string | null,
    ): Promise<Result<{ userId: string }, TenancyError>> {
      const at = deps.clock.now();
      try {
        return await db.transaction(async (tx): Promise<Result<{ userId: string }, TenancyError>> => {
          const userId = newId("user", at);
          const [inv] = await tx
            .update(invitations)
            .set({ acceptedAt: at, acceptedUserId: userId })
            .where(
              and(
                eq(invitations.tokenHash, sha256(token)),
                isNull(invitations.acceptedAt),
                isNull(invitations.revokedAt),
                gt(invitations.expiresAt, at),
              ),
            )
            .returning();
          if (!inv) return err(tenancyErrors.invitationInvalid());
          await insertMember(tx, at, {
            userId,
            orgId: inv.orgId,
            email: inv.email,
            name: input.name,
            orgRole: inv.orgRole,
            passwordHash: input.passwordHash,
          });
          if (inv.workspaceId && inv.workspaceRole) {
            const [ws] = await tx
              .select({ id: workspaces.id })
              .from(workspaces)
              .where(eq(workspaces.id, inv.workspaceId));
            if (ws)
              await tx.insert(workspaceMembers).values({
                workspaceId: ws.id,
                userId,
                orgId: inv.orgId,
                role: inv.workspaceRole,
                createdAt: at,
              });
          }
          await deps.audit.record(
            tx,
            { userId, email: inv.email, kind: "user", requestId },
            {
              orgId: inv.orgId,
              action: "invitation.accepted",
              targetType: "invitation",
              targetId: inv.id,
              details: { userId, orgRole: inv.orgRole },
            },
          );
          return ok({ userId });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.invitationInvalid());
        throw e;
      }
    },
  };
}
