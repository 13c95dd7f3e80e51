import { z } from "zod";
import { hashPassword, verifyPassword } from "../../platform/crypto.ts";
import { toPage } from "../../platform/pagination.ts";
import { err, ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import {
  ApiTokenSchema,
  ContextsSchema,
  errorResponses,
  pageOfSchema,
  pageQuery,
  password,
  strict,
  text,
} from "../schemas.ts";
import type { Caller } from "../../modules/tenancy/index.ts";

const tokenOwner = (c: Caller) => ({ userId: c.principal.userId, orgId: c.principal.orgId, actor: c.actor });

/** The signed-in user's own things: switchable scopes, favorites, password and API tokens. */
export function meRoutes(app: App, deps: ApiDeps): void {
  const { tenancy, identity } = deps;
  const scopeParams = z.object({
    scopeId: z
      .string()
      .regex(/^(org|cc|ws)_[0-9a-z]{26}$/, "scopeId must be an organization, cost center or workspace id"),
  });

  app.get(
    "/api/v1/me/contexts",
    {
      schema: {
        operationId: "listMyContexts",
        tags: ["me"],
        summary: "The scopes the context switcher offers: organizations, cost centers, workspaces, favorites",
        response: { 200: ContextsSchema, ...errorResponses },
      },
    },
    async (req) => tenancy.contexts.of(callerOf(req)),
  );

  app.put(
    "/api/v1/me/favorites/:scopeId",
    {
      schema: {
        operationId: "addFavorite",
        tags: ["me"],
        summary: "Star a scope",
        params: scopeParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.contexts.addFavorite(callerOf(req), req.params.scopeId), 204),
  );

  app.delete(
    "/api/v1/me/favorites/:scopeId",
    {
      schema: {
        operationId: "removeFavorite",
        tags: ["me"],
        summary: "Unstar a scope",
        params: scopeParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.contexts.removeFavorite(callerOf(req), req.params.scopeId), 204),
  );

  app.post(
    "/api/v1/me/password",
    {
      schema: {
        operationId: "changeMyPassword",
        tags: ["me"],
        summary: "Change your password; ends your other sessions",
        body: strict({
          currentPassword: z
            .string({ error: "currentPassword is required" })
            .min(1, "currentPassword is required")
            .max(200),
          newPassword: password("newPassword"),
        }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      const current = await tenancy.users.passwordHashOf(caller.principal.userId);
      if (!current || !(await verifyPassword(req.body.currentPassword, current)))
        return respond(
          req,
          reply,
          err({
            code: "invalid_credentials",
            message: "currentPassword is not your current password. Type it again.",
            retryable: false,
          }),
        );
      await tenancy.users.setPasswordHash(caller, await hashPassword(req.body.newPassword));
      await identity.sessions.endAllOf(caller.principal.userId, req.sessionSecret ?? undefined);
      return respond(req, reply, ok(null), 204);
    },
  );

  app.get(
    "/api/v1/me/tokens",
    {
      schema: {
        operationId: "listMyTokens",
        tags: ["me"],
        summary: "Your API tokens (never their secrets)",
        querystring: pageQuery,
        response: { 200: pageOfSchema(ApiTokenSchema), ...errorResponses },
      },
    },
    async (req) => identity.tokens.list(callerOf(req).principal.userId, toPage(req.query)),
  );

  app.post(
    "/api/v1/me/tokens",
    {
      schema: {
        operationId: "createMyToken",
        tags: ["me"],
        summary: "Create a named API token; its secret is shown once",
        body: strict({
          name: text("name"),
          scope: z.enum(["read", "write"], { error: "scope must be 'read' or 'write'" }),
          expiresInDays: z
            .number({ error: "expiresInDays must be a whole number of days from 1 to 3650" })
            .int("expiresInDays must be a whole number of days from 1 to 3650")
            .min(1, "expiresInDays must be at least 1")
            .max(3650, "expiresInDays must be at most 3650")
            .optional(),
        }),
        response: {
          201: z.object({ token: ApiTokenSchema, secret: z.string() }),
          ...errorResponses,
          409: errorResponses[400],
        },
      },
    },
    async (req, reply) =>
      respond(req, reply, await identity.tokens.create(tokenOwner(callerOf(req)), req.body), 201),
  );

  app.delete(
    "/api/v1/me/tokens/:tokenId",
    {
      schema: {
        operationId: "revokeMyToken",
        tags: ["me"],
        summary: "Revoke one of your API tokens",
        params: z.object({
          tokenId: z.string().regex(/^tok_[0-9a-z]{26}$/, "tokenId must be an id like tok_…"),
        }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await identity.tokens.revoke(tokenOwner(callerOf(req)), req.params.tokenId), 204),
  );
}
