import { z } from "zod";
import type { FastifyReply, FastifyRequest } from "fastify";
import { decodeCursor, encodeCursor } from "../../platform/pagination.ts";
import { ok } from "../../platform/result.ts";
import { requireOrgAdmin } from "../../modules/tenancy/index.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { AuditEventSchema, errorResponses, pageOfSchema, pageQuery } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const filters = pageQuery.extend({
  action: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/, "action must look like cost_center.created")
    .optional(),
  targetId: z
    .string()
    .regex(/^[a-z]+_[0-9a-z]{26}$/, "targetId must be an id such as ws_…")
    .optional(),
});

type Filters = z.infer<typeof filters>;

export function auditRoutes(app: App, deps: ApiDeps): void {
  async function page(req: FastifyRequest, reply: FastifyReply, q: Filters, orgId?: string) {
    const before = Number(decodeCursor(q.cursor) ?? NaN);
    const listed = await deps.audit.list({
      limit: q.limit,
      ...(orgId ? { orgId } : {}),
      ...(q.action ? { action: q.action } : {}),
      ...(q.targetId ? { targetId: q.targetId } : {}),
      ...(Number.isInteger(before) ? { before } : {}),
    });
    return respond(
      req,
      reply,
      ok({
        items: listed.items,
        nextCursor: listed.nextBefore === null ? null : encodeCursor(String(listed.nextBefore)),
      }),
    );
  }

  app.get(
    "/api/v1/organizations/:orgId/audit-events",
    {
      schema: {
        operationId: "listOrganizationAuditEvents",
        tags: ["audit"],
        summary: "The audit log of an organization, newest first (organization administrators)",
        params: orgParams,
        querystring: filters,
        response: { 200: pageOfSchema(AuditEventSchema), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { orgId } = req.params;
      const allowed = requireOrgAdmin(callerOf(req).principal, orgId, "the audit log");
      if (!allowed.ok) return respond(req, reply, allowed);
      return page(req, reply, req.query, orgId);
    },
  );

  app.get(
    "/api/v1/audit-events",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listAllAuditEvents",
        tags: ["audit"],
        summary: "The whole audit log across organizations, newest first (operators)",
        querystring: filters,
        response: { 200: pageOfSchema(AuditEventSchema), ...errorResponses },
      },
    },
    async (req, reply) => page(req, reply, req.query),
  );
}
