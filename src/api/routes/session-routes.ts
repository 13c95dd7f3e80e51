import { z } from "zod";
import { hashPassword } from "../../platform/crypto.ts";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { notAuthenticated, sendError } from "../http-errors.ts";
import { callerOf, respond } from "../respond.ts";
import { email, errorResponses, password, SessionSchema, strict, text } from "../schemas.ts";
import { clearSessionCookie } from "../session-cookie.ts";
import { clientOf, createSessionReply } from "../session-reply.ts";

/** First-run setup, sign-in, the current session and sign-out. */
export function sessionRoutes(app: App, deps: ApiDeps): void {
  const { tenancy, identity, config } = deps;
  const sessionReply = createSessionReply(deps);

  app.get(
    "/api/v1/setup",
    {
      config: { auth: "public" },
      schema: {
        operationId: "getSetupStatus",
        tags: ["session"],
        summary: "Whether first-run setup is still needed",
        response: { 200: z.object({ needsSetup: z.boolean(), partnerName: z.string().nullable() }) },
      },
    },
    async () => tenancy.setup.status(),
  );

  app.post(
    "/api/v1/setup",
    {
      config: { auth: "public" },
      schema: {
        operationId: "completeSetup",
        tags: ["session"],
        summary: "First-run setup: name the partner and create the first partner operator",
        body: strict({
          partnerName: text("partnerName"),
          name: text("name"),
          email: email(),
          password: password(),
        }),
        response: { 201: SessionSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) => {
      const { partnerName, name, email: mail, password: pw } = req.body;
      const done = await tenancy.setup.complete(
        { partnerName, name, email: mail, passwordHash: await hashPassword(pw) },
        req.id,
      );
      if (!done.ok) return sendError(req, reply, done.error);
      return sessionReply.open(req, reply, done.value.userId, "setup", 201);
    },
  );

  app.post(
    "/api/v1/auth/login",
    {
      config: { auth: "public" },
      schema: {
        operationId: "signIn",
        tags: ["session"],
        summary: "Sign in with e-mail and password; sets the session cookie",
        body: strict({
          email: email(),
          password: z.string({ error: "password is required" }).min(1, "password is required").max(200),
        }),
        response: { 200: SessionSchema, ...errorResponses, 429: errorResponses[400] },
      },
    },
    async (req, reply) => {
      const signed = await identity.sessions.signIn(req.body, clientOf(req));
      if (!signed.ok) return sendError(req, reply, signed.error);
      return sessionReply.send(reply, signed.value, 200);
    },
  );

  app.get(
    "/api/v1/auth/session",
    {
      config: { auth: "public" },
      schema: {
        operationId: "getSession",
        tags: ["session"],
        summary: "The signed-in user and the session's CSRF token",
        response: { 200: SessionSchema, 401: errorResponses[401] },
      },
    },
    async (req, reply) => {
      if (!req.caller || !req.session) return sendError(req, reply, notAuthenticated());
      return reply.send(await sessionReply.body(req.caller.principal.userId, req.session));
    },
  );

  app.post(
    "/api/v1/auth/logout",
    {
      schema: {
        operationId: "signOut",
        tags: ["session"],
        summary: "End this session",
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (req.sessionSecret)
        await identity.sessions.end(req.sessionSecret, caller.actor, caller.principal.orgId);
      clearSessionCookie(reply, config);
      return respond(req, reply, ok(null), 204);
    },
  );
}
