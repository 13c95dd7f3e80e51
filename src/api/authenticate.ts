import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiDeps } from "./context.ts";
import {
  csrfRejected,
  notAuthenticated,
  operatorsOnly,
  sendError,
  tokenScopeTooNarrow,
} from "./http-errors.ts";
import { cookieSettings } from "./session-cookie.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Resolves who is calling (API token in `Authorization: Bearer`, else the session cookie), enforces CSRF rules on
 * state-changing requests, and the route's auth mode. Runs before body validation, so an anonymous caller learns
 * nothing about a route's input.
 */
/** Where the API is: ours, and the original product's estimate API (`/accounts/{alias}/azure/billingestimate`). */
const API_PATHS = ["/api/", "/accounts/"];

export function createAuthenticate(deps: ApiDeps) {
  const cookie = cookieSettings(deps.config);
  const publicOrigin = new URL(deps.config.publicUrl).origin;

  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    req.caller = null;
    req.authVia = null;
    req.sessionSecret = null;
    req.session = null;
    if (!API_PATHS.some((prefix) => req.url.startsWith(prefix)) || req.is404) return;
    const mode = req.routeOptions.config.auth ?? "user";
    const unsafe = !SAFE_METHODS.has(req.method);

    if (unsafe) {
      if (req.headers["sec-fetch-site"] === "cross-site") {
        await sendError(
          req,
          reply,
          csrfRejected("Cross-site requests cannot change anything. Use the console or an API token."),
        );
        return;
      }
      const origin = req.headers.origin;
      if (origin && origin !== publicOrigin && origin !== `${req.protocol}://${req.host}`) {
        await sendError(req, reply, csrfRejected(`Requests from ${origin} cannot change anything here.`));
        return;
      }
    }

    let userId: string | null = null;
    let tokenScope: "read" | "write" | null = null;
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ")) {
      const token = await deps.identity.tokens.authenticate(auth.slice(7).trim());
      if (token) {
        userId = token.userId;
        tokenScope = token.scope;
        req.authVia = "token";
      }
    } else {
      const secret = req.cookies[cookie.name];
      const session = secret ? await deps.identity.sessions.authenticate(secret) : null;
      if (secret && session) {
        userId = session.userId;
        req.authVia = "session";
        req.sessionSecret = secret;
        req.session = session;
      }
    }
    const principal = userId ? await deps.tenancy.principalOf(userId) : null;
    if (principal && principal.status === "active") {
      req.caller = {
        principal,
        actor: {
          userId: principal.userId,
          email: principal.email,
          kind: req.authVia === "token" ? "token" : "user",
          requestId: req.id,
        },
      };
    } else {
      req.authVia = null;
      req.session = null;
    }

    if (mode === "public") return;
    if (!req.caller) {
      await sendError(req, reply, notAuthenticated());
      return;
    }
    if (unsafe && req.authVia === "session") {
      const sent = req.headers["x-csrf-token"];
      if (typeof sent !== "string" || !req.session || !sameSecret(sent, req.session.csrfToken)) {
        await sendError(req, reply, csrfRejected("Send the session's csrfToken in the x-csrf-token header."));
        return;
      }
    }
    if (unsafe && tokenScope === "read") {
      await sendError(req, reply, tokenScopeTooNarrow());
      return;
    }
    if (mode === "operator" && !req.caller.principal.isOperator) {
      await sendError(req, reply, operatorsOnly());
    }
  };
}
