import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import {
  errorResponses,
  id,
  MemberSchema,
  pageOfSchema,
  pageQuery,
  strict,
  text,
  WorkspaceSchema,
  workspaceRole,
} from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const wsParams = z.object({ workspaceId: id("workspace", "workspaceId") });
const memberParams = z.object({ workspaceId: id("workspace", "workspaceId"), userId: id("user", "userId") });
const icon = z.string().trim().max(64, "icon must be at most 64 characters").nullable().optional();

const updateBody = z.strictObject(
  { name: text("name").optional(), icon },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? iss.keys.includes("costCenterId")
          ? "costCenterId cannot be changed: a workspace stays in the cost center it was created in"
          : `${iss.keys.join(", ")} is not a field of this request; remove it`
        : undefined,
  },
);

export function workspaceRoutes(app: App, deps: ApiDeps): void {
  const { tenancy } = deps;

  app.get(
    "/api/v1/organizations/:orgId/workspaces",
    {
      schema: {
        operationId: "listWorkspaces",
        tags: ["workspaces"],
        summary: "Workspaces of an organization that you can see",
        params: orgParams,
        querystring: pageQuery.extend({ costCenterId: id("costCenter", "costCenterId").optional() }),
        response: { 200: pageOfSchema(WorkspaceSchema), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { costCenterId, ...page } = req.query;
      const filter = costCenterId ? { costCenterId } : {};
      return respond(
        req,
        reply,
        await tenancy.workspaces.list(callerOf(req), req.params.orgId, filter, toPage(page)),
      );
    },
  );

  app.post(
    "/api/v1/organizations/:orgId/workspaces",
    {
      schema: {
        operationId: "createWorkspace",
        tags: ["workspaces"],
        summary: "Create a team workspace in a cost center (organization or cost-center administrators)",
        params: orgParams,
        body: strict({ name: text("name"), costCenterId: id("costCenter", "costCenterId"), icon }),
        response: { 201: WorkspaceSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.workspaces.create(callerOf(req), req.params.orgId, req.body), 201),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: {
        operationId: "getWorkspace",
        tags: ["workspaces"],
        summary: "One workspace",
        params: wsParams,
        response: { 200: WorkspaceSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.workspaces.get(callerOf(req), req.params.workspaceId)),
  );

  app.patch(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: {
        operationId: "updateWorkspace",
        tags: ["workspaces"],
        summary: "Rename a workspace or change its icon (its cost center is immutable)",
        params: wsParams,
        body: updateBody,
        response: { 200: WorkspaceSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.workspaces.update(callerOf(req), req.params.workspaceId, req.body)),
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: {
        operationId: "deleteWorkspace",
        tags: ["workspaces"],
        summary: "Delete a team workspace (organization or cost-center administrators)",
        params: wsParams,
        response: { 204: z.null(), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.workspaces.remove(callerOf(req), req.params.workspaceId), 204),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/members",
    {
      schema: {
        operationId: "listWorkspaceMembers",
        tags: ["workspaces"],
        summary: "Members of a workspace and their roles",
        params: wsParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(MemberSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await tenancy.workspaces.members(callerOf(req), req.params.workspaceId, toPage(req.query)),
      ),
  );

  app.put(
    "/api/v1/workspaces/:workspaceId/members/:userId",
    {
      schema: {
        operationId: "setWorkspaceMember",
        tags: ["workspaces"],
        summary: "Add a member to a workspace or change their role",
        params: memberParams,
        body: strict({ role: workspaceRole }),
        response: { 204: z.null(), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await tenancy.workspaces.setMember(
          callerOf(req),
          req.params.workspaceId,
          req.params.userId,
          req.body.role,
        ),
        204,
      ),
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId/members/:userId",
    {
      schema: {
        operationId: "removeWorkspaceMember",
        tags: ["workspaces"],
        summary: "Remove a member from a workspace",
        params: memberParams,
        response: { 204: z.null(), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await tenancy.workspaces.removeMember(callerOf(req), req.params.workspaceId, req.params.userId),
        204,
      ),
  );
}
