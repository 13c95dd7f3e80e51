import { and, count, eq, gt, isNull, or } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import { newSecret, sha256 } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { AuditActor, AuditLog } from "../audit/index.ts";
import { identityErrors, type IdentityError } from "./errors.ts";
import { apiTokens } from "./tables.ts";

export const MAX_TOKENS_PER_USER = 50;

export type ApiToken = {
  id: string;
  name: string;
  scope: "read" | "write";
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

type Owner = { userId: string; orgId: string | null; actor: AuditActor };

const view = ({ tokenHash: _h, userId: _u, ...t }: typeof apiTokens.$inferSelect): ApiToken => t;

const TOUCH_AFTER_MS = 60_000;

/** Named bearer tokens for the REST API and the CLI: at most 50 live ones per user, revocable, stored hashed. */
export function createApiTokens(deps: { db: Db; clock: Clock; audit: AuditLog }) {
  const { db } = deps;
  return {
    async list(userId: string, page: Page): Promise<PageOf<ApiToken>> {
      const rows = await db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.userId, userId), page.after ? gt(apiTokens.id, page.after) : undefined))
        .orderBy(apiTokens.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return { items: cut.items.map(view), nextCursor: cut.nextCursor };
    },

    async create(
      owner: Owner,
      input: { name: string; scope: "read" | "write"; expiresInDays?: number | undefined },
    ): Promise<Result<{ token: ApiToken; secret: string }, IdentityError>> {
      const at = deps.clock.now();
      const secret = newSecret("pct");
      const row = {
        id: newId("apiToken", at),
        userId: owner.userId,
        name: input.name,
        scope: input.scope,
        prefix: secret.slice(0, 12),
        tokenHash: sha256(secret),
        createdAt: at,
        lastUsedAt: null,
        expiresAt: input.expiresInDays ? new Date(at.getTime() + input.expiresInDays * 86_400_000) : null,
        revokedAt: null,
      };
      const created = await db.transaction(async (tx) => {
        const [live] = await tx
          .select({ n: count() })
          .from(apiTokens)
          .where(
            and(
              eq(apiTokens.userId, owner.userId),
              isNull(apiTokens.revokedAt),
              or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, at)),
            ),
          );
        if ((live?.n ?? 0) >= MAX_TOKENS_PER_USER) return false;
        await tx.insert(apiTokens).values(row);
        await deps.audit.record(tx, owner.actor, {
          orgId: owner.orgId,
          action: "api_token.created",
          targetType: "api_token",
          targetId: row.id,
          details: { name: row.name, scope: row.scope, expiresAt: row.expiresAt?.toISOString() ?? null },
        });
        return true;
      });
      if (!created) return err(identityErrors.tokenLimit(MAX_TOKENS_PER_USER));
      return ok({ token: view(row), secret });
    },

    async revoke(owner: Owner, id: string): Promise<Result<null, IdentityError>> {
      const [t] = await db
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, owner.userId)));
      if (!t) return err(identityErrors.tokenNotFound(id));
      if (t.revokedAt) return ok(null);
      await db.transaction(async (tx) => {
        await tx.update(apiTokens).set({ revokedAt: deps.clock.now() }).where(eq(apiTokens.id, id));
        await deps.audit.record(tx, owner.actor, {
          orgId: owner.orgId,
          action: "api_token.revoked",
          targetType: "api_token",
          targetId: id,
        });
      });
      return ok(null);
    },

    /** Resolves a bearer secret; revoked and expired tokens resolve to null. */
    async authenticate(
      secret: string,
    ): Promise<{ tokenId: string; userId: string; scope: "read" | "write" } | null> {
      const now = deps.clock.now();
      const [t] = await db
        .select()
        .from(apiTokens)
        .where(eq(apiTokens.tokenHash, sha256(secret)));
      if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= now)) return null;
      if (!t.lastUsedAt || now.getTime() - t.lastUsedAt.getTime() >= TOUCH_AFTER_MS)
        await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, t.id));
      return { tokenId: t.id, userId: t.userId, scope: t.scope };
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;
