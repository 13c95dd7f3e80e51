import { armError } from "./arm-error.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedRoleAssignment, EmulatorState } from "../state/emulator-state.ts";
import { builtInRoles } from "./built-in-roles.ts";
import { createPolicyAndResources } from "./policy-and-resources.ts";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AUTHZ =
  /^(?<scope>(?:resourcegroups\/[^/]+\/)?)providers\/microsoft\.authorization\/(?<kind>roleassignments|roledefinitions)(?:\/(?<name>[^/]+))?$/i;

type Body =
  { properties?: { roleDefinitionId?: string; principalId?: string; principalType?: string } } | undefined;

const view = (r: EmulatedRoleAssignment) => ({
  id: `${r.scope}/providers/Microsoft.Authorization/roleAssignments/${r.name}`,
  type: "Microsoft.Authorization/roleAssignments",
  name: r.name,
  properties: {
    roleDefinitionId: `${r.scope.split("/resourceGroups/")[0] ?? r.scope}/providers/Microsoft.Authorization/roleDefinitions/${r.roleDefinitionGuid}`,
    principalId: r.principalId,
    principalType: r.principalType,
    scope: r.scope,
    createdOn: r.createdOn,
    updatedOn: r.createdOn,
  },
});

const definitionView = (subscriptionScope: string, guid: string) => {
  const role = builtInRoles[guid];
  return {
    id: `${subscriptionScope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: guid,
    properties: {
      roleName: role?.roleName,
      type: "BuiltInRole",
      description: role?.description,
      assignableScopes: ["/"],
    },
  };
};

/**
 * Role assignments and built-in role definitions at a subscription or resource-group scope (C3). The caller
 * chooses the assignment's name (a GUID: our idempotency key); the same grant under another name is 409
 * RoleAssignmentExists.
 */
export function roleAssignmentRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    visible: (req: FastifyRequest, reply: FastifyReply, subscriptionId: string) => unknown;
  },
) {
  const { state } = deps;
  const others = createPolicyAndResources(state);

  function parse(req: FastifyRequest<{ Params: { sub: string; "*": string } }>) {
    const m = AUTHZ.exec(req.params["*"]);
    if (!m?.groups) return null;
    const rg = m.groups["scope"] ? m.groups["scope"].split("/")[1] : undefined;
    const scope = `/subscriptions/${req.params.sub}${rg ? `/resourceGroups/${rg}` : ""}`;
    return { scope, kind: (m.groups["kind"] ?? "").toLowerCase(), name: m.groups["name"], rg };
  }

  type Req = FastifyRequest<{ Params: { sub: string; "*": string }; Body: Body }>;
  const notFound = (reply: FastifyReply) =>
    armError(
      reply,
      404,
      "InvalidResourceType",
      "The resource type could not be found in the namespace 'Microsoft.Authorization'.",
    );

  app.get("/subscriptions/:sub/*", async (req: Req, reply) => {
    if (!deps.visible(req, reply, req.params.sub)) return reply;
    const p = parse(req);
    if (!p) return (await others("GET", req, reply)) ? reply : notFound(reply);
    const subScope = `/subscriptions/${req.params.sub}`;
    if (p.kind === "roledefinitions") {
      if (!p.name) return { value: Object.keys(builtInRoles).map((g) => definitionView(subScope, g)) };
      return builtInRoles[p.name.toLowerCase()]
        ? definitionView(subScope, p.name.toLowerCase())
        : armError(
            reply,
            404,
            "RoleDefinitionDoesNotExist",
            `The specified role definition with ID '${p.name}' does not exist.`,
          );
    }
    if (!p.name) return { value: state.roleAssignmentsUnder(p.scope).map(view) };
    const found = state.roleAssignment(p.name);
    return found && found.scope.toLowerCase() === p.scope.toLowerCase()
      ? view(found)
      : armError(reply, 404, "RoleAssignmentNotFound", `The role assignment '${p.name}' is not found.`);
  });

  app.put("/subscriptions/:sub/*", async (req: Req, reply) => {
    const sub = deps.visible(req, reply, req.params.sub);
    if (!sub) return reply;
    const p = parse(req);
    if (!p) return (await others("PUT", req, reply)) ? reply : notFound(reply);
    if (p.kind !== "roleassignments" || !p.name) return notFound(reply);
    if (!GUID.test(p.name))
      return armError(
        reply,
        400,
        "InvalidRoleAssignmentId",
        `The role assignment ID '${p.name}' is not valid. The role assignment ID must be a GUID.`,
      );
    if (p.rg && !state.resourceGroup(req.params.sub, p.rg))
      return armError(reply, 404, "ResourceGroupNotFound", `Resource group '${p.rg}' could not be found.`);
    const props = req.body?.properties;
    const guid = /roleDefinitions\/([^/]+)$/i.exec(props?.roleDefinitionId ?? "")?.[1]?.toLowerCase() ?? "";
    if (!props?.principalId || !GUID.test(props.principalId))
      return armError(
        reply,
        400,
        "InvalidPrincipalId",
        "A valid principal ID must be provided for role assignment.",
      );
    if (!builtInRoles[guid])
      return armError(
        reply,
        400,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${guid}' does not exist.`,
      );
    const existing = state.roleAssignment(p.name);
    if (existing) {
      const same =
        existing.scope.toLowerCase() === p.scope.toLowerCase() &&
        existing.roleDefinitionGuid === guid &&
        existing.principalId === props.principalId;
      return same
        ? reply.code(200).send(view(existing))
        : armError(
            reply,
            409,
            "RoleAssignmentUpdateNotPermitted",
            "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
          );
    }
    const twin = state
      .roleAssignmentsUnder(p.scope)
      .find(
        (r) =>
          r.scope.toLowerCase() === p.scope.toLowerCase() &&
          r.roleDefinitionGuid === guid &&
          r.principalId === props.principalId,
      );
    if (twin) return armError(reply, 409, "RoleAssignmentExists", "The role assignment already exists.");
    const created: EmulatedRoleAssignment = {
      name: p.name.toLowerCase(),
      scope: p.scope,
      roleDefinitionGuid: guid,
      principalId: props.principalId,
      principalType: props.principalType ?? "User",
      createdOn: new Date().toISOString(),
    };
    state.addRoleAssignment(created);
    return reply.code(201).send(view(created));
  });

  app.delete("/subscriptions/:sub/*", async (req: Req, reply) => {
    if (!deps.visible(req, reply, req.params.sub)) return reply;
    const p = parse(req);
    if (!p) return (await others("DELETE", req, reply)) ? reply : notFound(reply);
    if (p.kind !== "roleassignments" || !p.name) return notFound(reply);
    const found = state.roleAssignment(p.name);
    if (!found) return reply.code(204).send();
    state.deleteRoleAssignment(p.name);
    return reply.code(200).send(view(found));
  });
}
