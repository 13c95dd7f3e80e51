import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { EmulatedUser } from "../state/emulator-state.ts";
import type { Store } from "../state/store.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { clearCookie, cookieOf, setCookie } from "./cookies.ts";
import { newSecret, sha256Hex } from "./secrets.ts";
import type { UserRevocations } from "./user-revocations.ts";

const SignInSession = z.object({
  idSha256: z.string(),
  userId: z.string(),
  signedInAt: z.number(),
  expiresAt: z.number(),
});

/** The emulator's single-sign-on cookie on its own host (Entra's is ESTSAUTH on login.microsoftonline.com). */
const SSO_COOKIE = "emu_sso";
/** A browser sign-in lasts a day here; Entra's default session is longer, but a day is enough for tests and demos. */
const SESSION_MS = 86_400_000;

/**
 * Who is signed in to this browser: a second authorization request in the same browser skips the password
 * (unless `prompt=login`), and a deleted user or revoked sessions end it.
 */
export function openSignInSessions(store: Store, clock: EmulatorClock, revocations: UserRevocations) {
  const sessions = store.collection("entraSignInSessions", SignInSession);
  const lookup = (req: FastifyRequest) => {
    const id = cookieOf(req, SSO_COOKIE);
    if (!id) return undefined;
    const hash = sha256Hex(id);
    return sessions.find((s) => s.idSha256 === hash && s.expiresAt > clock.now());
  };
  return {
    user(req: FastifyRequest): EmulatedUser | undefined {
      const session = lookup(req);
      if (!session || !revocations.stillValid(session.userId, session.signedInAt)) return undefined;
      return revocations.activeUser(session.userId);
    },
    start(reply: FastifyReply, userId: string): void {
      const now = clock.now();
      sessions.remove((s) => s.expiresAt <= now);
      const id = newSecret();
      sessions.add({ idSha256: sha256Hex(id), userId, signedInAt: now, expiresAt: now + SESSION_MS });
      setCookie(reply, SSO_COOKIE, id, { path: "/" });
    },
    end(req: FastifyRequest, reply: FastifyReply): void {
      const session = lookup(req);
      if (session) sessions.remove((s) => s.idSha256 === session.idSha256);
      clearCookie(reply, SSO_COOKIE, "/");
    },
  };
}

export type SignInSessions = ReturnType<typeof openSignInSessions>;
