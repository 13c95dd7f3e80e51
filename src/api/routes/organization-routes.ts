import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, OrganizationSchema, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";

export const orgParams = z.object({ orgId: id("organization", "orgId") });

export function organizationRoutes(app: App, deps: ApiDeps): void {
  const { tenancy } = deps;

  app.get(
    "/api/v1/organizations",
    {
      schema: {
        operationId: "listOrganizations",
        tags: ["organizations"],
        summary: "Organizations you can see (operators: all)",
        querystring: pageQuery,
        response: { 200: pageOfSchema(OrganizationSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, ok(await tenancy.organizations.list(callerOf(req), toPage(req.query)))),
  );

  app.post(
    "/api/v1/organizations",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "createOrganization",
        tags: ["organizations"],
        summary: "Create a customer organization (operators); it starts with a Default cost center",
        body: strict({ name: text("name") }),
        response: { 201: OrganizationSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.organizations.create(callerOf(req), req.body), 201),
  );

  app.get(
    "/api/v1/organizations/:orgId",
    {
      schema: {
        operationId: "getOrganization",
        tags: ["organizations"],
        summary: "One organization with its counts",
        params: orgParams,
        response: { 200: OrganizationSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.organizations.get(callerOf(req), req.params.orgId)),
  );

  app.patch(
    "/api/v1/organizations/:orgId",
    {
      schema: {
        operationId: "renameOrganization",
        tags: ["organizations"],
        summary: "Rename an organization (organization administrators)",
        params: orgParams,
        body: strict({ name: text("name") }),
        response: { 200: OrganizationSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.organizations.rename(callerOf(req), req.params.orgId, req.body)),
  );
}
