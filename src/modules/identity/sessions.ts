import { and, count, eq, gt, isNull, ne, or } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import type { Clock } from "../../platform/clock.ts";
import { dummyPasswordHash, newSecret, sha256, verifyPassword } from "../../platform/crypto.ts";
import type { Db } from "../../platform/db/types.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { AuditActor, AuditLog } from "../audit/index.ts";
import { identityErrors, type IdentityError } from "./errors.ts";
import { loginFailures, sessions } from "./tables.ts";

export type SessionPolicy = {
  idleMinutes: number;
  absoluteHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
};

export type SessionInfo = { userId: string; csrfToken: string; expiresAt: Date; idleExpiresAt: Date };

export type Credentials = (email: string) => Promise<{
  userId: string;
  passwordHash: string | null;
  status: "active" | "disabled";
  orgId: string | null;
} | null>;

type Client = { ip: string; userAgent: string | null; requestId: string | null };

/** Only write last-seen when it moved this much, so a busy session does not write on every request. */
const TOUCH_AFTER_MS = 60_000;

export function createSessions(deps: {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  policy: SessionPolicy;
  credentials: Credentials;
}) {
  const { db, policy } = deps;

  async function start(
    userId: string,
    method: string,
    client: Client,
  ): Promise<{ secret: string; session: SessionInfo }> {
    const now = deps.clock.now();
    const secret = newSecret("pcs");
    const session: SessionInfo = {
      userId,
      csrfToken: randomBytes(32).toString("base64url"),
      expiresAt: new Date(now.getTime() + policy.absoluteHours * 3_600_000),
      idleExpiresAt: new Date(now.getTime() + policy.idleMinutes * 60_000),
    };
    await db.insert(sessions).values({
      tokenHash: sha256(secret),
      userId,
      csrfToken: session.csrfToken,
      authMethod: method,
      createdAt: now,
      lastSeenAt: now,
      idleExpiresAt: session.idleExpiresAt,
      expiresAt: session.expiresAt,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return { secret, session };
  }

  return {
    start,

    /**
     * Checks a password and opens a session. Failures are counted per e-mail and per client address; past the
     * limit within the window the answer is `too_many_attempts` whatever the password.
     */
    async signIn(
      input: { email: string; password: string },
      client: Client,
    ): Promise<Result<{ secret: string; session: SessionInfo }, IdentityError>> {
      const email = input.email.toLowerCase();
      const now = deps.clock.now();
      const windowStart = new Date(now.getTime() - policy.loginWindowMinutes * 60_000);
      const [failures] = await db
        .select({ n: count() })
        .from(loginFailures)
        .where(
          and(
            gt(loginFailures.at, windowStart),
            or(eq(loginFailures.email, email), eq(loginFailures.ip, client.ip)),
          ),
        );
      if ((failures?.n ?? 0) >= policy.loginMaxFailures)
        return err(identityErrors.tooManyAttempts(policy.loginWindowMinutes * 60));
      const cred = await deps.credentials(email);
      const valid = await verifyPassword(input.password, cred?.passwordHash ?? dummyPasswordHash);
      if (!cred || !cred.passwordHash || !valid) {
        await db.transaction(async (tx) => {
          await tx.insert(loginFailures).values({ email, ip: client.ip, at: now });
          await deps.audit.record(
            tx,
            { userId: cred?.userId ?? null, email, kind: "system", requestId: client.requestId },
            {
              orgId: cred?.orgId ?? null,
              action: "session.sign_in_failed",
              targetType: "user",
              targetId: cred?.userId ?? null,
            },
          );
        });
        return err(identityErrors.invalidCredentials());
      }
      if (cred.status !== "active") return err(identityErrors.userDisabled());
      const started = await start(cred.userId, "password", client);
      await deps.audit.record(
        db,
        { userId: cred.userId, email, kind: "user", requestId: client.requestId },
        { orgId: cred.orgId, action: "session.signed_in", targetType: "user", targetId: cred.userId },
      );
      return ok(started);
    },

    /** Resolves a session cookie; slides the idle timeout. Ended, idle or expired sessions resolve to null. */
    async authenticate(secret: string): Promise<SessionInfo | null> {
      const now = deps.clock.now();
      const [s] = await db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256(secret)));
      if (!s || s.endedAt || s.expiresAt <= now || s.idleExpiresAt <= now) return null;
      let idleExpiresAt = s.idleExpiresAt;
      if (now.getTime() - s.lastSeenAt.getTime() >= TOUCH_AFTER_MS) {
        const next = new Date(now.getTime() + policy.idleMinutes * 60_000);
        idleExpiresAt = next < s.expiresAt ? next : s.expiresAt;
        await db
          .update(sessions)
          .set({ lastSeenAt: now, idleExpiresAt })
          .where(eq(sessions.tokenHash, s.tokenHash));
      }
      return { userId: s.userId, csrfToken: s.csrfToken, expiresAt: s.expiresAt, idleExpiresAt };
    },

    async end(secret: string, actor: AuditActor, orgId: string | null): Promise<void> {
      await db.transaction(async (tx) => {
        const ended = await tx
          .update(sessions)
          .set({ endedAt: deps.clock.now() })
          .where(and(eq(sessions.tokenHash, sha256(secret)), isNull(sessions.endedAt)))
          .returning({ userId: sessions.userId });
        if (ended.length === 0) return;
        await deps.audit.record(tx, actor, {
          orgId,
          action: "session.signed_out",
          targetType: "user",
          targetId: actor.userId,
        });
      });
    },

    /** Ends every session of a user except, optionally, the one making the request. */
    async endAllOf(userId: string, exceptSecret?: string): Promise<void> {
      await db
        .update(sessions)
        .set({ endedAt: deps.clock.now() })
        .where(
          and(
            eq(sessions.userId, userId),
            isNull(sessions.endedAt),
            exceptSecret ? ne(sessions.tokenHash, sha256(exceptSecret)) : undefined,
          ),
        );
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
