import { z } from "zod";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { CostCenterSchema, errorResponses, id, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const ccParams = z.object({ costCenterId: id("costCenter", "costCenterId") });
const ccUserParams = z.object({
  costCenterId: id("costCenter", "costCenterId"),
  userId: id("user", "userId"),
});

export function costCenterRoutes(app: App, deps: ApiDeps): void {
  const { tenancy } = deps;

  app.get(
    "/api/v1/organizations/:orgId/cost-centers",
    {
      schema: {
        operationId: "listCostCenters",
        tags: ["cost centers"],
        summary: "Cost centers of an organization (cost-center administrators see their own)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(CostCenterSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.costCenters.list(callerOf(req), req.params.orgId, toPage(req.query))),
  );

  app.post(
    "/api/v1/organizations/:orgId/cost-centers",
    {
      schema: {
        operationId: "createCostCenter",
        tags: ["cost centers"],
        summary: "Create a cost center (organization administrators)",
        params: orgParams,
        body: strict({ name: text("name") }),
        response: { 201: CostCenterSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.costCenters.create(callerOf(req), req.params.orgId, req.body), 201),
  );

  app.get(
    "/api/v1/cost-centers/:costCenterId",
    {
      schema: {
        operationId: "getCostCenter",
        tags: ["cost centers"],
        summary: "One cost center with its administrators",
        params: ccParams,
        response: { 200: CostCenterSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.costCenters.get(callerOf(req), req.params.costCenterId)),
  );

  app.patch(
    "/api/v1/cost-centers/:costCenterId",
    {
      schema: {
        operationId: "renameCostCenter",
        tags: ["cost centers"],
        summary: "Rename a cost center (organization administrators)",
        params: ccParams,
        body: strict({ name: text("name") }),
        response: { 200: CostCenterSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.costCenters.rename(callerOf(req), req.params.costCenterId, req.body)),
  );

  app.delete(
    "/api/v1/cost-centers/:costCenterId",
    {
      schema: {
        operationId: "deleteCostCenter",
        tags: ["cost centers"],
        summary: "Delete an empty cost center (organization administrators)",
        params: ccParams,
        response: { 204: z.null(), ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.costCenters.remove(callerOf(req), req.params.costCenterId), 204),
  );

  app.put(
    "/api/v1/cost-centers/:costCenterId/admins/:userId",
    {
      schema: {
        operationId: "addCostCenterAdmin",
        tags: ["cost centers"],
        summary: "Make a user administrator of a cost center",
        params: ccUserParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await tenancy.costCenters.addAdmin(callerOf(req), req.params.costCenterId, req.params.userId),
        204,
      ),
  );

  app.delete(
    "/api/v1/cost-centers/:costCenterId/admins/:userId",
    {
      schema: {
        operationId: "removeCostCenterAdmin",
        tags: ["cost centers"],
        summary: "Remove a cost-center administrator",
        params: ccUserParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await tenancy.costCenters.removeAdmin(callerOf(req), req.params.costCenterId, req.params.userId),
        204,
      ),
  );
}
