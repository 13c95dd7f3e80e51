import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { verifyBearer, type TokenClaims } from "../entra/verify-token.ts";
import type { SigningKey } from "../entra/signing-key.ts";
import type { EmulatorState } from "../state/emulator-state.ts";
import { gdapAssignmentRoutes } from "./gdap-assignment-routes.ts";
import { relationshipFilter } from "./gdap-filter.ts";
import { GLOBAL_ADMINISTRATOR_ROLE } from "./gdap-roles.ts";
import { CreateRelationship, CreateRequest, PatchRelationship, firstIssue } from "./gdap-schemas.ts";
import type { GdapRelationship, GdapStore } from "./gdap-store.ts";
import { operationView, relationshipView, requestView } from "./gdap-views.ts";
import { graphError } from "./graph-error.ts";

const PATH = "tenantRelationships/delegatedAdminRelationships";
const VERSIONS = ["v1.0", "beta"];
const WRITE = "DelegatedAdminRelationship.ReadWrite.All";
const READ = "DelegatedAdminRelationship.Read.All";
const DEFAULT_PAGE = 100;
const MAX_PAGE = 300;

/**
 * Whether a token may call GDAP. App+user tokens need the delegated permission: ReadWrite.All for any write,
 * Read.All or ReadWrite.All to read. App-only tokens of the partner's own tenant may read and write: Microsoft's
 * live pages list the application permission DelegatedAdminRelationship.ReadWrite.All for create, requests and
 * access assignments (once the "Partner Customer Delegated Administration" service principal is provisioned in
 * the partner tenant, which the emulator takes as done); the emulator does not model application-permission
 * grants, so every app-only token of the tenant counts as holding it.
 */
export function mayCall(claims: TokenClaims, write: boolean): boolean {
  if (claims.idtyp !== "user") return true;
  const scp = (claims.scp ?? "").split(" ");
  return scp.includes(WRITE) || (!write && scp.includes(READ));
}

export type GdapContext = {
  gdap: GdapStore;
  claimsOf: (req: FastifyRequest) => TokenClaims;
  /** The caller's relationship, or a 404 already sent. */
  owned: (req: FastifyRequest, reply: FastifyReply, id: string) => GdapRelationship | undefined;
  collectionUrl: (version: string) => string;
};

/**
 * Microsoft Graph's GDAP API (B8.3) under `/v1.0` and `/beta`: relationships (create, list with `$filter` and
 * `$top` paging, get, PATCH with `If-Match`, DELETE while created), their requests (`lockForApproval`,
 * `terminate`), access assignments and operations. Tokens must be for Microsoft Graph; a partner sees only its own
 * relationships. The customer approves through the admin-center page, not through this API.
 */
export function gdapRoutes(
  app: FastifyInstance,
  deps: { state: EmulatorState; key: SigningKey; gdap: GdapStore; baseUrl: () => string },
) {
  const { gdap } = deps;
  const claims = new WeakMap<FastifyRequest, TokenClaims>();
  const prefixes = VERSIONS.map((v) => `/${v}/${PATH}`);

  app.addHook("onRequest", async (req, reply) => {
    const route = req.routeOptions.url ?? "";
    if (!prefixes.some((p) => route.startsWith(p))) return;
    const auth = verifyBearer(req.headers.authorization, deps.key, [
      "https://graph.microsoft.com",
      "00000003-0000-0000-c000-000000000000",
      deps.baseUrl(),
    ]);
    if (!auth.ok) return graphError(req, reply, 401, "InvalidAuthenticationToken", auth.message);
    if (!mayCall(auth.claims, req.method !== "GET"))
      return graphError(
        req,
        reply,
        403,
        "Authorization_RequestDenied",
        `Insufficient privileges to complete the operation: the token needs ${req.method === "GET" ? `${READ} or ` : ""}${WRITE}.`,
      );
    claims.set(req, auth.claims);
  });

  const ctx: GdapContext = {
    gdap,
    claimsOf(req) {
      const c = claims.get(req);
      if (!c) throw new Error("GDAP route reached without a checked token");
      return c;
    },
    owned(req, reply, id) {
      const r = gdap.relationship(id);
      if (r && r.partnerTenantId === ctx.claimsOf(req).tid) return r;
      void graphError(req, reply, 404, "notFound", `The delegated admin relationship '${id}' was not found.`);
      return undefined;
    },
    collectionUrl: (version) => `${deps.baseUrl()}/${version}/${PATH}`,
  };

  const badRequest = (req: FastifyRequest, reply: FastifyReply, message: string) =>
    graphError(req, reply, 400, "badRequest", message);

  for (const version of VERSIONS) {
    const base = `/${version}/${PATH}`;
    const context = `${deps.baseUrl()}/${version}/$metadata#${PATH}`;
    const entity = (r: GdapRelationship) => ({
      "@odata.context": `${context}/$entity`,
      ...relationshipView(r),
    });

    app.post<{ Body: unknown }>(base, async (req, reply) => {
      const body = CreateRelationship.safeParse(req.body ?? {});
      if (!body.success) return badRequest(req, reply, firstIssue(body.error));
      const partner = ctx.claimsOf(req).tid;
      const { displayName, duration, autoExtendDuration = "PT0S", customer, accessDetails } = body.data;
      if (
        gdap.relationshipsOf(partner).some((r) => r.displayName.toLowerCase() === displayName.toLowerCase())
      )
        return badRequest(
          req,
          reply,
          `Invalid value for property 'displayName': a relationship named '${displayName}' already exists; the name must be unique among the partner's relationships.`,
        );
      const roles = [...new Set(accessDetails.unifiedRoles.map((r) => r.roleDefinitionId.toLowerCase()))];
      // Microsoft does not auto-extend relationships that include the Global Administrator role.
      if (autoExtendDuration === "P180D" && roles.includes(GLOBAL_ADMINISTRATOR_ROLE))
        return badRequest(
          req,
          reply,
          "Invalid value for property 'autoExtendDuration': relationships with the Global Administrator role cannot be auto-extended.",
        );
      const created = gdap.create({
        partnerTenantId: partner,
        displayName,
        duration,
        autoExtendDuration,
        customerTenantId: customer?.tenantId?.toLowerCase() ?? null,
        customerDisplayName: customer?.displayName ?? null,
        roles,
      });
      return reply
        .code(201)
        .header("location", `${ctx.collectionUrl(version)}/${created.id}`)
        .send(entity(created));
    });

    app.get<{ Querystring: { $filter?: string; $top?: string; $skiptoken?: string } }>(
      base,
      async (req, reply) => {
        const filter = relationshipFilter(req.query.$filter);
        if (!filter.ok) return badRequest(req, reply, filter.message);
        const top = req.query.$top === undefined ? DEFAULT_PAGE : Number(req.query.$top);
        if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE)
          return badRequest(req, reply, `Invalid value for $top: a whole number from 1 to ${MAX_PAGE}.`);
        const offset = req.query.$skiptoken
          ? Number(Buffer.from(req.query.$skiptoken, "base64url").toString())
          : 0;
        if (!Number.isInteger(offset) || offset < 0)
          return badRequest(req, reply, "Invalid $skiptoken: copy @odata.nextLink as it is.");
        const all = gdap
          .relationshipsOf(ctx.claimsOf(req).tid)
          .filter(filter.match)
          .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
        const page = all.slice(offset, offset + top);
        const next = new URLSearchParams();
        if (req.query.$filter) next.set("$filter", req.query.$filter);
        next.set("$top", String(top));
        next.set("$skiptoken", Buffer.from(String(offset + top)).toString("base64url"));
        return {
          "@odata.context": context,
          ...(offset + top < all.length
            ? { "@odata.nextLink": `${ctx.collectionUrl(version)}?${next.toString()}` }
            : {}),
          value: page.map(relationshipView),
        };
      },
    );

    app.get<{ Params: { id: string } }>(`${base}/:id`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      return r ? entity(r) : reply;
    });

    app.patch<{ Params: { id: string }; Body: unknown }>(`${base}/:id`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      if (!r) return reply;
      const ifMatch = req.headers["if-match"];
      if (!ifMatch)
        return badRequest(
          req,
          reply,
          "The If-Match header is required: send the relationship's @odata.etag.",
        );
      if (ifMatch !== r.etag)
        return graphError(
          req,
          reply,
          412,
          "preconditionFailed",
          "The If-Match etag does not match the relationship's current @odata.etag. Read it again.",
        );
      const body = PatchRelationship.safeParse(req.body ?? {});
      if (!body.success) return badRequest(req, reply, firstIssue(body.error));
      const patch = body.data;
      const onlyAutoExtend = Object.keys(patch).every((k) => k === "autoExtendDuration");
      // Microsoft: everything may change while `created`; only autoExtendDuration once `active`.
      if (r.status !== "created" && !(r.status === "active" && onlyAutoExtend))
        return badRequest(
          req,
          reply,
          `The relationship is ${r.status}: only a created relationship can be changed (an active one only its autoExtendDuration).`,
        );
      const displayName = patch.displayName;
      if (
        displayName &&
        gdap
          .relationshipsOf(r.partnerTenantId)
          .some((x) => x.id !== r.id && x.displayName.toLowerCase() === displayName.toLowerCase())
      )
        return badRequest(
          req,
          reply,
          `Invalid value for property 'displayName': a relationship named '${displayName}' already exists.`,
        );
      const roles = patch.accessDetails?.unifiedRoles.map((x) => x.roleDefinitionId.toLowerCase()) ?? r.roles;
      const autoExtendDuration = patch.autoExtendDuration ?? r.autoExtendDuration;
      if (autoExtendDuration === "P180D" && roles.includes(GLOBAL_ADMINISTRATOR_ROLE))
        return badRequest(
          req,
          reply,
          "Invalid value for property 'autoExtendDuration': relationships with the Global Administrator role cannot be auto-extended.",
        );
      const changed = gdap.update(r.id, {
        displayName: displayName ?? r.displayName,
        duration: patch.duration ?? r.duration,
        autoExtendDuration,
        customerTenantId: patch.customer?.tenantId?.toLowerCase() ?? r.customerTenantId,
        customerDisplayName: patch.customer?.displayName ?? r.customerDisplayName,
        roles: [...new Set(roles)],
      });
      return changed ? entity(changed) : reply;
    });

    app.delete<{ Params: { id: string } }>(`${base}/:id`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      if (!r) return reply;
      if (r.status !== "created")
        return badRequest(
          req,
          reply,
          `The relationship is ${r.status}: only a created relationship can be deleted; terminate an active one.`,
        );
      gdap.remove(r.id);
      return reply.code(204).send();
    });

    app.post<{ Params: { id: string }; Body: unknown }>(`${base}/:id/requests`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      if (!r) return reply;
      const body = CreateRequest.safeParse(req.body ?? {});
      if (!body.success) return badRequest(req, reply, firstIssue(body.error));
      const { action } = body.data;
      const from = action === "lockForApproval" ? "created" : "active";
      if (r.status !== from)
        return badRequest(
          req,
          reply,
          `A ${action} request needs a ${from} relationship; this one is ${r.status}.`,
        );
      const { request } = action === "lockForApproval" ? gdap.lockForApproval(r.id) : gdap.terminate(r.id);
      // The request is processed right after it is accepted: the answer says "created", a later read "succeeded".
      return reply
        .code(201)
        .header("location", `${ctx.collectionUrl(version)}/${r.id}/requests/${request.id}`)
        .send({
          "@odata.context": `${context}('${r.id}')/requests/$entity`,
          ...requestView(request, "created"),
        });
    });

    app.get<{ Params: { id: string } }>(`${base}/:id/requests`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      return r
        ? {
            "@odata.context": `${context}('${r.id}')/requests`,
            value: gdap.requestsOf(r.id).map((q) => requestView(q)),
          }
        : reply;
    });

    app.get<{ Params: { id: string; requestId: string } }>(
      `${base}/:id/requests/:requestId`,
      async (req, reply) => {
        const r = ctx.owned(req, reply, req.params.id);
        if (!r) return reply;
        const q = gdap.requestsOf(r.id).find((x) => x.id === req.params.requestId);
        return q
          ? requestView(q)
          : graphError(req, reply, 404, "notFound", `The request '${req.params.requestId}' was not found.`);
      },
    );

    app.get<{ Params: { id: string } }>(`${base}/:id/operations`, async (req, reply) => {
      const r = ctx.owned(req, reply, req.params.id);
      return r
        ? {
            "@odata.context": `${context}('${r.id}')/operations`,
            value: gdap.operationsOf(r.id).map(operationView),
          }
        : reply;
    });

    gdapAssignmentRoutes(app, ctx, version, base);
  }
}
