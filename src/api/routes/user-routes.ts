import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import {
  errorResponses,
  id,
  orgRole,
  pageOfSchema,
  pageQuery,
  strict,
  text,
  UserSchema,
} from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const userParams = z.object({ userId: id("user", "userId") });

export function userRoutes(app: App, deps: ApiDeps): void {
  const { tenancy, identity } = deps;

  app.get(
    "/api/v1/organizations/:orgId/users",
    {
      schema: {
        operationId: "listUsers",
        tags: ["users"],
        summary: "Users of an organization (administrators)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(UserSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.users.list(callerOf(req), req.params.orgId, toPage(req.query))),
  );

  app.patch(
    "/api/v1/users/:userId",
    {
      schema: {
        operationId: "updateUser",
        tags: ["users"],
        summary: "Change a user's organization role or name (organization administrators)",
        params: userParams,
        body: strict({ orgRole: orgRole.optional(), name: text("name").optional() }),
        response: { 200: UserSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.users.update(callerOf(req), req.params.userId, req.body)),
  );

  app.post(
    "/api/v1/users/:userId/disable",
    {
      schema: {
        operationId: "disableUser",
        tags: ["users"],
        summary: "Disable a user: their sessions end and their tokens stop working",
        params: userParams,
        response: { 200: UserSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) => {
      const done = await tenancy.users.disable(callerOf(req), req.params.userId);
      if (done.ok) await identity.sessions.endAllOf(req.params.userId);
      return respond(req, reply, done);
    },
  );

  app.post(
    "/api/v1/users/:userId/enable",
    {
      schema: {
        operationId: "enableUser",
        tags: ["users"],
        summary: "Enable a disabled user",
        params: userParams,
        response: { 200: UserSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await tenancy.users.enable(callerOf(req), req.params.userId)),
  );
}
