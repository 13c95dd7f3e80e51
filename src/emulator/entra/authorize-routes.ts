import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedUser, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { aadDescription } from "./aad-error.ts";
import type { AuthorizationCodes } from "./authorization-codes.ts";
import { cookieOf, setCookie } from "./cookies.ts";
import { ADMIN_CENTER_CLIENT } from "./first-party-clients.ts";
import { html, sendPage } from "./html.ts";
import type { RedirectUris } from "./redirect-uris.ts";
import { newSecret, sameSecret, sha256Hex } from "./secrets.ts";
import { errorPage, signInPage } from "./sign-in-page.ts";
import type { SignInSessions } from "./sign-in-sessions.ts";
import type { UserRevocations } from "./user-revocations.ts";

/** A validated authorization request waiting for the user to sign in. */
type Ask = {
  tenant: string;
  clientId: string;
  appName: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  codeChallenge: string | null;
  nonce: string | null;
  prompt: string | undefined;
  loginHint: string | undefined;
};

type Flow = { ask: Ask; csrf: string; browserSha256: string; expiresAt: number };

/** A browser's own random key: the sign-in form is only accepted from the browser it was shown to. */
const BROWSER_COOKIE = "emu_browser";
/** How long a sign-in page stays usable. */
const FLOW_MS = 15 * 60_000;

type Query = Record<string, string | undefined>;

/**
 * The authorization endpoint of the auth-code flow (A5: how a partner admin signs in once for the secure
 * application model): `GET /{tenant}/oauth2/v2.0/authorize` shows the sign-in page (or, with a live session and
 * no `prompt=login`, answers at once), the form posts back to the same path, and the browser is redirected to the
 * registered reply URL with `code` and `state`. Requests that cannot be trusted (unknown app, unregistered reply
 * URL) get an error page, never a redirect. `GET /{tenant}/oauth2/v2.0/logout` ends the browser's session.
 */
export function authorizeRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    clock: EmulatorClock;
    baseUrl: () => string;
    codes: AuthorizationCodes;
    sessions: SignInSessions;
    redirectUris: RedirectUris;
    revocations: UserRevocations;
  },
) {
  const { state, clock, codes, sessions, redirectUris, revocations } = deps;
  const flows = new Map<string, Flow>();

  const anyTenant = (t: string) => t === "common" || t === "organizations";
  const fitsTenant = (tenant: string, user: EmulatedUser) =>
    anyTenant(tenant) || state.tenant(tenant)?.id === user.tenantId;

  function client(clientId: string): { appName: string; allows: (uri: string) => boolean } | undefined {
    if (clientId === ADMIN_CENTER_CLIENT.clientId)
      return {
        appName: ADMIN_CENTER_CLIENT.displayName,
        allows: (uri) => uri === `${deps.baseUrl()}${ADMIN_CENTER_CLIENT.redirectPath}`,
      };
    const registered = state.app(clientId);
    return registered
      ? { appName: registered.displayName, allows: (uri) => redirectUris.allowed(clientId, uri) }
      : undefined;
  }

  function redirectTo(reply: FastifyReply, uri: string, params: Record<string, string | undefined>) {
    const url = new URL(uri);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return reply.code(302).header("location", url.toString()).header("cache-control", "no-store").send();
  }

  /** An OAuth error returned to the application, as Entra does once the reply URL is known to be registered. */
  function redirectError(
    reply: FastifyReply,
    ask: Pick<Ask, "redirectUri" | "state">,
    error: string,
    code: number,
    text: string,
  ) {
    const { text: description } = aadDescription(code, text, randomUUID(), randomUUID());
    return redirectTo(reply, ask.redirectUri, { error, error_description: description, state: ask.state });
  }

  function complete(reply: FastifyReply, ask: Ask, user: EmulatedUser) {
    const code = codes.issue({
      clientId: ask.clientId,
      redirectUri: ask.redirectUri,
      userId: user.id,
      tenantId: user.tenantId,
      scope: ask.scope,
      codeChallenge: ask.codeChallenge,
      nonce: ask.nonce,
    });
    return redirectTo(reply, ask.redirectUri, { code, state: ask.state });
  }

  function showSignIn(
    req: FastifyRequest,
    reply: FastifyReply,
    ask: Ask,
    flowId: string | undefined,
    error?: string,
  ) {
    const now = clock.now();
    for (const [id, f] of flows) if (f.expiresAt <= now) flows.delete(id);
    let browser = cookieOf(req, BROWSER_COOKIE);
    if (!browser) {
      browser = newSecret();
      setCookie(reply, BROWSER_COOKIE, browser, { path: "/" });
    }
    const id = flowId ?? newSecret(18);
    const flow = flows.get(id) ?? {
      ask,
      csrf: newSecret(),
      browserSha256: sha256Hex(browser),
      expiresAt: now + FLOW_MS,
    };
    flows.set(id, flow);
    return sendPage(
      reply,
      error ? 400 : 200,
      "Sign in to your account",
      signInPage({
        action: `/${ask.tenant}/oauth2/v2.0/authorize`,
        appName: ask.appName,
        flowId: id,
        csrf: flow.csrf,
        loginHint: ask.loginHint,
        error,
      }),
    );
  }

  /** Checks an authorization request in Entra's order: tenant, app, reply URL (page errors), then the rest (redirects). */
  function check(
    tenant: string,
    q: Query,
  ):
    | { ok: true; ask: Ask }
    | { ok: false; page: { status: number; code: number; message: string } }
    | {
        ok: false;
        redirect: { ask: Pick<Ask, "redirectUri" | "state">; error: string; code: number; message: string };
      } {
    if (!anyTenant(tenant) && !state.tenant(tenant))
      return { ok: false, page: { status: 400, code: 90002, message: `Tenant '${tenant}' not found.` } };
    const clientId = q["client_id"] ?? "";
    const found = client(clientId);
    if (!found)
      return {
        ok: false,
        page: {
          status: 400,
          code: 700016,
          message: `Application with identifier '${clientId}' was not found in the directory.`,
        },
      };
    const redirectUri = q["redirect_uri"] ?? "";
    if (!found.allows(redirectUri))
      return {
        ok: false,
        page: {
          status: 400,
          code: 50011,
          message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
        },
      };
    const back = { redirectUri, state: q["state"] };
    if (q["response_type"] !== "code")
      return {
        ok: false,
        redirect: {
          ask: back,
          error: "unsupported_response_type",
          code: 700054,
          message: `response_type '${q["response_type"] ?? ""}' is not supported: this emulator serves the authorization-code flow (response_type=code).`,
        },
      };
    const scope = (q["scope"] ?? "").trim();
    if (!scope)
      return {
        ok: false,
        redirect: {
          ask: back,
          error: "invalid_request",
          code: 900144,
          message: "The request body must contain the following parameter: 'scope'.",
        },
      };
    const challenge = q["code_challenge"];
    if (
      challenge !== undefined &&
      (q["code_challenge_method"] !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    )
      return {
        ok: false,
        redirect: {
          ask: back,
          error: "invalid_request",
          code: 9002313,
          message:
            "Invalid request. code_challenge must be a base64url SHA-256 (43 characters) with code_challenge_method=S256.",
        },
      };
    return {
      ok: true,
      ask: {
        tenant,
        clientId,
        appName: found.appName,
        redirectUri,
        scope,
        state: q["state"],
        codeChallenge: challenge ?? null,
        nonce: q["nonce"] ?? null,
        prompt: q["prompt"],
        loginHint: q["login_hint"],
      },
    };
  }

  app.get<{ Params: { tenant: string }; Querystring: Query }>(
    "/:tenant/oauth2/v2.0/authorize",
    async (req, reply) => {
      const checked = check(req.params.tenant, req.query);
      if (!checked.ok)
        return "page" in checked
          ? sendPage(
              reply,
              checked.page.status,
              "Sign in",
              errorPage(checked.page.code, checked.page.message),
            )
          : redirectError(
              reply,
              checked.redirect.ask,
              checked.redirect.error,
              checked.redirect.code,
              checked.redirect.message,
            );
      const { ask } = checked;
      const signedIn = sessions.user(req);
      const hintFits = !ask.loginHint || ask.loginHint.toLowerCase() === signedIn?.userPrincipalName;
      if (signedIn && ask.prompt !== "login" && hintFits && fitsTenant(ask.tenant, signedIn))
        return complete(reply, ask, signedIn);
      if (ask.prompt === "none")
        return redirectError(
          reply,
          ask,
          "login_required",
          50058,
          "A silent sign-in request was sent but no user is signed in.",
        );
      return showSignIn(req, reply, ask, undefined);
    },
  );

  app.post<{ Params: { tenant: string }; Body: Record<string, string> | undefined }>(
    "/:tenant/oauth2/v2.0/authorize",
    async (req, reply) => {
      const form = req.body ?? {};
      const flowId = form["flow"] ?? "";
      const flow = flows.get(flowId);
      const browser = cookieOf(req, BROWSER_COOKIE);
      if (
        !flow ||
        flow.expiresAt <= clock.now() ||
        flow.ask.tenant !== req.params.tenant ||
        !browser ||
        sha256Hex(browser) !== flow.browserSha256 ||
        !sameSecret(form["csrf"] ?? "", flow.csrf)
      )
        return sendPage(
          reply,
          400,
          "Sign in",
          errorPage(
            90014,
            "This sign-in page has expired or was opened in another browser. Go back to the application and sign in again.",
          ),
        );
      const { ask } = flow;
      if (form["action"] === "cancel") {
        flows.delete(flowId);
        return redirectError(
          reply,
          ask,
          "access_denied",
          65004,
          "The user declined to sign in to the application.",
        );
      }
      const user = revocations.activeUser(form["login"] ?? "");
      if (!user)
        return showSignIn(
          req,
          reply,
          ask,
          flowId,
          "We couldn't find an account with that username. Try another, or contact your administrator.",
        );
      if (!state.passwordMatches(user, form["passwd"] ?? ""))
        return showSignIn(req, reply, ask, flowId, "Your account or password is incorrect. Try again.");
      flows.delete(flowId);
      if (!fitsTenant(ask.tenant, user)) {
        const tenant = state.tenant(ask.tenant);
        return redirectError(
          reply,
          ask,
          "access_denied",
          50020,
          `User account '${user.userPrincipalName}' from identity provider does not exist in tenant '${tenant?.displayName ?? ask.tenant}' and cannot access the application '${ask.clientId}' in that tenant.`,
        );
      }
      sessions.start(reply, user.id);
      return complete(reply, ask, user);
    },
  );

  app.get<{ Params: { tenant: string }; Querystring: Query }>(
    "/:tenant/oauth2/v2.0/logout",
    async (req, reply) => {
      sessions.end(req, reply);
      const target = req.query["post_logout_redirect_uri"];
      const admin = `${deps.baseUrl()}${ADMIN_CENTER_CLIENT.redirectPath}`;
      // Entra redirects only to a reply URL registered for an application; anything else gets the signed-out page.
      if (target && (redirectUris.anyAllowed(target) || target === admin))
        return redirectTo(reply, target, { state: req.query["state"] });
      return sendPage(
        reply,
        200,
        "Signed out",
        html`<h1>You signed out of your account</h1>
          <p>It's a good idea to close all browser windows.</p>`,
      );
    },
  );
}
