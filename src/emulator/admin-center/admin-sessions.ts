import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { EmulatedUser, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { s256 } from "../entra/authorization-codes.ts";
import { clearCookie, cookieOf, setCookie } from "../entra/cookies.ts";
import type { EntraSignIn } from "../entra/entra-routes.ts";
import { ADMIN_CENTER_CLIENT } from "../entra/first-party-clients.ts";
import { html, sendPage } from "../entra/html.ts";
import { newSecret, sameSecret, sha256Hex } from "../entra/secrets.ts";

const AdminSession = z.object({
  idSha256: z.string(),
  userId: z.string(),
  csrf: z.string(),
  signedInAt: z.number(),
  expiresAt: z.number(),
});

const SESSION_COOKIE = "emu_admin";
const SIGN_IN_COOKIE = "emu_admin_signin";
const SESSION_MS = 8 * 3_600_000;
const SIGN_IN_MS = 15 * 60_000;

export type AdminSignedIn = { user: EmulatedUser; csrf: string };

/**
 * Sign-in for the admin-center pages, the way Microsoft's admin center does it: an unsigned visitor is sent
 * through Entra's authorize endpoint (auth code + PKCE, as the admin center's own client) and comes back to
 * `/admin/signin-oidc`, which redeems the code and starts an admin-center session bound to this browser.
 * Each session carries a CSRF token the pages put in their forms.
 */
export function adminSessions(
  app: FastifyInstance,
  deps: { state: EmulatorState; clock: EmulatorClock; entra: EntraSignIn; baseUrl: () => string },
) {
  const { clock, entra } = deps;
  const sessions = deps.state.store.collection("adminCenterSessions", AdminSession);
  /** Sign-ins under way, by their `state` value: where to return and the PKCE verifier. */
  const pending = new Map<string, { returnTo: string; verifier: string; expiresAt: number }>();

  function current(req: FastifyRequest): AdminSignedIn | undefined {
    const id = cookieOf(req, SESSION_COOKIE);
    if (!id) return undefined;
    const hash = sha256Hex(id);
    const session = sessions.find((s) => s.idSha256 === hash && s.expiresAt > clock.now());
    if (!session || !entra.stillSignedIn(session.userId, session.signedInAt)) return undefined;
    const user = deps.state.user(session.userId);
    return user ? { user, csrf: session.csrf } : undefined;
  }

  app.get<{ Querystring: Record<string, string | undefined> }>(
    ADMIN_CENTER_CLIENT.redirectPath,
    async (req, reply) => {
      const stateParam = req.query["state"] ?? "";
      const flow = pending.get(stateParam);
      const bound = cookieOf(req, SIGN_IN_COOKIE) === stateParam;
      pending.delete(stateParam);
      clearCookie(reply, SIGN_IN_COOKIE, "/admin");
      if (!flow || !bound || flow.expiresAt <= clock.now())
        return sendPage(
          reply,
          400,
          "Sign-in failed",
          html`<h1>Sign-in failed</h1>
            <p role="alert">
              This sign-in has expired or was started in another browser. Open the link again.
            </p>`,
        );
      if (req.query["error"])
        return sendPage(
          reply,
          401,
          "Sign-in failed",
          html`<h1>Sign-in failed</h1>
            <p role="alert">${req.query["error_description"] ?? req.query["error"]}</p>`,
        );
      const user = entra.redeemAdminCenterCode(req.query["code"] ?? "", flow.verifier);
      if (!user)
        return sendPage(
          reply,
          401,
          "Sign-in failed",
          html`<h1>Sign-in failed</h1>
            <p role="alert">The sign-in could not be completed. Open the link again.</p>`,
        );
      const now = clock.now();
      sessions.remove((s) => s.expiresAt <= now);
      const id = newSecret();
      sessions.add({
        idSha256: sha256Hex(id),
        userId: user.id,
        csrf: newSecret(),
        signedInAt: now,
        expiresAt: now + SESSION_MS,
      });
      setCookie(reply, SESSION_COOKIE, id, { path: "/admin" });
      return reply.code(302).header("location", flow.returnTo).send();
    },
  );

  return {
    current,
    /** The signed-in admin-center user, or undefined after sending the browser to sign in (and back to this page). */
    require(req: FastifyRequest, reply: FastifyReply): AdminSignedIn | undefined {
      const signedIn = current(req);
      if (signedIn) return signedIn;
      const now = clock.now();
      for (const [k, v] of pending) if (v.expiresAt <= now) pending.delete(k);
      const stateParam = newSecret(18);
      const verifier = newSecret(48);
      pending.set(stateParam, { returnTo: req.url, verifier, expiresAt: now + SIGN_IN_MS });
      setCookie(reply, SIGN_IN_COOKIE, stateParam, { path: "/admin" });
      const query = new URLSearchParams({
        client_id: ADMIN_CENTER_CLIENT.clientId,
        response_type: "code",
        redirect_uri: `${deps.baseUrl()}${ADMIN_CENTER_CLIENT.redirectPath}`,
        scope: "openid profile",
        state: stateParam,
        code_challenge: s256(verifier),
        code_challenge_method: "S256",
      });
      void reply
        .code(302)
        .header("location", `/organizations/oauth2/v2.0/authorize?${query.toString()}`)
        .send();
      return undefined;
    },
    /** True when a posted form carries the session's CSRF token. */
    csrfMatches: (signedIn: AdminSignedIn, token: string | undefined) =>
      sameSecret(token ?? "", signedIn.csrf),
  };
}

export type AdminSessions = ReturnType<typeof adminSessions>;
