import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GdapContext } from "./gdap-routes.ts";
import { CreateAssignment, PatchAssignment, firstIssue } from "./gdap-schemas.ts";
import type { GdapAssignment, GdapRelationship } from "./gdap-store.ts";
import { assignmentView } from "./gdap-views.ts";
import { graphError } from "./graph-error.ts";

/**
 * Access assignments of a GDAP relationship (B8.3): a security group of the partner tenant gets some of the
 * relationship's roles in the customer's tenant. Only once the relationship is active; created `pending`, then
 * `active`; changed and deleted with `If-Match`.
 */
export function gdapAssignmentRoutes(app: FastifyInstance, ctx: GdapContext, version: string, base: string) {
  const { gdap } = ctx;
  const collection = `${base}/:id/accessAssignments`;
  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string) =>
    graphError(req, reply, 400, "badRequest", message);

  const rolesOutside = (r: GdapRelationship, roles: { roleDefinitionId: string }[]) =>
    roles.map((x) => x.roleDefinitionId.toLowerCase()).filter((id) => !r.roles.includes(id));

  function found(req: FastifyRequest<{ Params: { id: string; assignmentId: string } }>, reply: FastifyReply) {
    const r = ctx.owned(req, reply, req.params.id);
    if (!r) return undefined;
    const a = gdap.assignment(r.id, req.params.assignmentId);
    if (!a) {
      void graphError(
        req,
        reply,
        404,
        "notFound",
        `The access assignment '${req.params.assignmentId}' was not found.`,
      );
      return undefined;
    }
    return { r, a };
  }

  function etagMatches(req: FastifyRequest, reply: FastifyReply, a: GdapAssignment): boolean {
    const ifMatch = req.headers["if-match"];
    if (!ifMatch) {
      void badRequest(
        req,
        reply,
        "The If-Match header is required: send the access assignment's @odata.etag.",
      );
      return false;
    }
    if (ifMatch !== a.etag) {
      void graphError(
        req,
        reply,
        412,
        "preconditionFailed",
        "The If-Match etag does not match the access assignment's current @odata.etag.",
      );
      return false;
    }
    return true;
  }

  app.post<{ Params: { id: string }; Body: unknown }>(collection, async (req, reply) => {
    const r = ctx.owned(req, reply, req.params.id);
    if (!r) return reply;
    if (r.status !== "active")
      return badRequest(
        req,
        reply,
        `Access assignments need an active relationship; this one is ${r.status}.`,
      );
    const body = CreateAssignment.safeParse(req.body ?? {});
    if (!body.success) return badRequest(req, reply, firstIssue(body.error));
    const { accessContainer, accessDetails } = body.data;
    const outside = rolesOutside(r, accessDetails.unifiedRoles);
    if (outside.length)
      return badRequest(
        req,
        reply,
        `Invalid value for property 'accessDetails.unifiedRoles': ${outside.join(", ")} is not among the relationship's roles.`,
      );
    const containerId = accessContainer.accessContainerId.toLowerCase();
    if (gdap.assignmentsOf(r.id).some((a) => a.accessContainerId === containerId && a.status !== "deleted"))
      return graphError(
        req,
        reply,
        409,
        "conflict",
        `The security group ${containerId} already has an access assignment in this relationship.`,
      );
    const added = gdap.addAssignment({
      relationshipId: r.id,
      accessContainerId: containerId,
      roles: [...new Set(accessDetails.unifiedRoles.map((x) => x.roleDefinitionId.toLowerCase()))],
    });
    return reply
      .code(201)
      .header("location", `${ctx.collectionUrl(version)}/${r.id}/accessAssignments/${added.id}`)
      .send(assignmentView(added));
  });

  app.get<{ Params: { id: string } }>(collection, async (req, reply) => {
    const r = ctx.owned(req, reply, req.params.id);
    return r ? { value: gdap.assignmentsOf(r.id).map(assignmentView) } : reply;
  });

  app.get<{ Params: { id: string; assignmentId: string } }>(
    `${collection}/:assignmentId`,
    async (req, reply) => {
      const hit = found(req, reply);
      return hit ? assignmentView(hit.a) : reply;
    },
  );

  app.patch<{ Params: { id: string; assignmentId: string }; Body: unknown }>(
    `${collection}/:assignmentId`,
    async (req, reply) => {
      const hit = found(req, reply);
      if (!hit || !etagMatches(req, reply, hit.a)) return reply;
      if (hit.a.status !== "active")
        return badRequest(
          req,
          reply,
          `The access assignment is ${hit.a.status}: only an active one can be changed.`,
        );
      const body = PatchAssignment.safeParse(req.body ?? {});
      if (!body.success) return badRequest(req, reply, firstIssue(body.error));
      const outside = rolesOutside(hit.r, body.data.accessDetails.unifiedRoles);
      if (outside.length)
        return badRequest(
          req,
          reply,
          `Invalid value for property 'accessDetails.unifiedRoles': ${outside.join(", ")} is not among the relationship's roles.`,
        );
      const changed = gdap.changeAssignment(hit.a.id, {
        roles: [
          ...new Set(body.data.accessDetails.unifiedRoles.map((x) => x.roleDefinitionId.toLowerCase())),
        ],
      });
      return changed ? assignmentView(changed) : reply;
    },
  );

  app.delete<{ Params: { id: string; assignmentId: string } }>(
    `${collection}/:assignmentId`,
    async (req, reply) => {
      const hit = found(req, reply);
      if (!hit || !etagMatches(req, reply, hit.a)) return reply;
      if (hit.a.status === "deleted" || hit.a.status === "deleting")
        return badRequest(req, reply, "The access assignment is already deleted.");
      gdap.changeAssignment(hit.a.id, { status: "deleting" });
      return reply.code(204).send();
    },
  );
}
