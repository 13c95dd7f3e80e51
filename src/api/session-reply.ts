import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionInfo } from "../modules/identity/index.ts";
import type { ApiDeps } from "./context.ts";
import { setSessionCookie } from "./session-cookie.ts";

/** Who is asking for a session: recorded with it, and used by the sign-in rate limit. */
export const clientOf = (req: FastifyRequest) => ({
  ip: req.ip,
  userAgent: req.headers["user-agent"] ?? null,
  requestId: req.id,
});

/**
 * The one way a route answers with a session: the cookie, and the body with the user and the CSRF token.
 * Setup, sign-in and invitation acceptance all end here.
 */
export function createSessionReply(deps: Pick<ApiDeps, "tenancy" | "identity" | "config">) {
  async function body(userId: string, session: SessionInfo) {
    const user = await deps.tenancy.users.byId(userId);
    if (!user) throw new Error(`user ${userId} has a session but no record`);
    return {
      user,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      idleExpiresAt: session.idleExpiresAt,
    };
  }

  async function send(
    reply: FastifyReply,
    started: { secret: string; session: SessionInfo },
    status: number,
  ) {
    setSessionCookie(reply, deps.config, started.secret, started.session.expiresAt);
    return reply.code(status).send(await body(started.session.userId, started.session));
  }

  return {
    body,
    send,
    /** Opens a new session for a user who just proved who they are, and answers with it. */
    async open(req: FastifyRequest, reply: FastifyReply, userId: string, method: string, status: number) {
      return send(reply, await deps.identity.sessions.start(userId, method, clientOf(req)), status);
    },
  };
}
