import { armError } from "./arm-error.ts";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedPolicyAssignment, EmulatedResource, EmulatorState } from "../state/emulator-state.ts";
import { builtInPolicies } from "./built-in-policies.ts";

const POLICY =
  /^(?<rgpart>(?:resourcegroups\/[^/]+\/)?)providers\/microsoft\.authorization\/policyassignments(?:\/(?<name>[^/]+))?$/i;
const RESOURCE =
  /^resourcegroups\/(?<rg>[^/]+)\/providers\/(?<ns>microsoft\.(?:compute|storage|network|web))\/(?<type>[^/]+)(?:\/(?<name>[^/]+))?$/i;
const NAMESPACES: Record<string, string> = {
  "microsoft.compute": "Microsoft.Compute",
  "microsoft.storage": "Microsoft.Storage",
  "microsoft.network": "Microsoft.Network",
  "microsoft.web": "Microsoft.Web",
};

type Req = FastifyRequest<{ Params: { sub: string; "*": string }; Body: unknown }>;
type AssignmentBody = {
  properties?: {
    policyDefinitionId?: string;
    displayName?: string;
    parameters?: Record<string, { value: unknown }>;
    enforcementMode?: "Default" | "DoNotEnforce";
  };
};
type ResourceBody = {
  location?: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
};

const assignmentView = (a: EmulatedPolicyAssignment) => ({
  id: `${a.scope}/providers/Microsoft.Authorization/policyAssignments/${a.name}`,
  type: "Microsoft.Authorization/policyAssignments",
  name: a.name,
  properties: {
    displayName: a.displayName,
    policyDefinitionId: a.policyDefinitionId,
    parameters: a.parameters,
    enforcementMode: a.enforcementMode,
    scope: a.scope,
    notScopes: [],
  },
});

const resourceView = (r: EmulatedResource) => ({
  id: r.id,
  name: r.name,
  type: r.type,
  location: r.location,
  tags: r.tags,
  properties: { ...r.properties, provisioningState: "Succeeded" },
});

/**
 * Policy assignments with the built-in definitions, and simple resources of a few providers (Compute, Storage,
 * Network, Web) whose creation the assignments govern: a denied write is 403 RequestDisallowedByPolicy (C4).
 * Returns false when the path is neither, so the caller answers 404.
 */
export function createPolicyAndResources(state: EmulatorState) {
  function policyViolation(resourceId: string, name: string, type: string, location: string) {
    for (const a of state.policyAssignmentsGoverning(resourceId)) {
      if (a.enforcementMode === "DoNotEnforce") continue;
      const guid = a.policyDefinitionId.split("/").at(-1)?.toLowerCase() ?? "";
      const policy = builtInPolicies[guid];
      const given = a.parameters["effect"]?.value;
      const effect = typeof given === "string" ? given : "Deny";
      if (!policy || effect.toLowerCase() !== "deny" || !policy.denies(type, location, a.parameters))
        continue;
      const assignmentId = `${a.scope}/providers/Microsoft.Authorization/policyAssignments/${a.name}`;
      return {
        code: "RequestDisallowedByPolicy",
        target: name,
        message:
          `Resource '${name}' was disallowed by policy. Policy identifiers: ` +
          `'[{"policyAssignment":{"name":"${a.displayName}","id":"${assignmentId}"},"policyDefinition":{"name":"${policy.displayName}","id":"${a.policyDefinitionId}"}}]'.`,
        additionalInfo: [
          {
            type: "PolicyViolation",
            info: {
              policyDefinitionId: a.policyDefinitionId,
              policyDefinitionName: guid,
              policyDefinitionDisplayName: policy.displayName,
              policyAssignmentId: assignmentId,
              policyAssignmentName: a.name,
              policyAssignmentDisplayName: a.displayName,
              policyAssignmentScope: a.scope,
              policyDefinitionEffect: "deny",
            },
          },
        ],
      };
    }
    return null;
  }

  return async function handle(
    method: "GET" | "PUT" | "DELETE",
    req: Req,
    reply: FastifyReply,
  ): Promise<boolean> {
    const sub = `/subscriptions/${req.params.sub}`;
    const policy = POLICY.exec(req.params["*"]);
    if (policy?.groups) {
      const rg = policy.groups["rgpart"] ? policy.groups["rgpart"].split("/")[1] : undefined;
      const scope = `${sub}${rg ? `/resourceGroups/${rg}` : ""}`;
      const name = policy.groups["name"];
      if (!name) {
        if (method !== "GET") return false;
        await reply.send({ value: state.policyAssignmentsAt(scope).map(assignmentView) });
        return true;
      }
      if (method === "GET") {
        const a = state.policyAssignment(scope, name);
        await (a
          ? reply.send(assignmentView(a))
          : armError(
              reply,
              404,
              "PolicyAssignmentNotFound",
              `The policy assignment '${name}' is not found.`,
            ));
        return true;
      }
      if (method === "DELETE") {
        const a = state.policyAssignment(scope, name);
        if (a) state.deletePolicyAssignment(scope, name);
        await (a ? reply.code(200).send(assignmentView(a)) : reply.code(204).send());
        return true;
      }
      const props = (req.body as AssignmentBody | undefined)?.properties;
      const guid = props?.policyDefinitionId?.split("/").at(-1)?.toLowerCase() ?? "";
      if (!props?.policyDefinitionId || !builtInPolicies[guid]) {
        await armError(
          reply,
          404,
          "PolicyDefinitionNotFound",
          `The policy definition '${guid}' could not be found.`,
        );
        return true;
      }
      const a: EmulatedPolicyAssignment = {
        name,
        scope,
        policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${guid}`,
        displayName: props.displayName ?? name,
        parameters: props.parameters ?? {},
        enforcementMode: props.enforcementMode ?? "Default",
      };
      state.putPolicyAssignment(a);
      // PolicyAssignments_Create answers 201 for a new assignment and for an update alike: the REST spec lists no
      // 200, so Microsoft's SDK (@azure/arm-policy) treats a 200 as a failure.
      await reply.code(201).send(assignmentView(a));
      return true;
    }

    const res = RESOURCE.exec(req.params["*"]);
    if (!res?.groups) return false;
    const rg = res.groups["rg"] ?? "";
    const group = state.resourceGroup(req.params.sub, rg);
    if (!group) {
      await armError(reply, 404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
      return true;
    }
    const type = `${NAMESPACES[(res.groups["ns"] ?? "").toLowerCase()] ?? ""}/${res.groups["type"] ?? ""}`;
    const prefix = `${sub}/resourceGroups/${group.name}/providers/${type}`;
    const name = res.groups["name"];
    if (!name) {
      if (method !== "GET") return false;
      await reply.send({ value: state.resourcesUnder(`${prefix}/`).map(resourceView) });
      return true;
    }
    const id = `${prefix}/${name}`;
    if (method === "GET") {
      const r = state.resource(id);
      await (r
        ? reply.send(resourceView(r))
        : armError(
            reply,
            404,
            "ResourceNotFound",
            `The Resource '${type}/${name}' under resource group '${group.name}' was not found.`,
          ));
      return true;
    }
    if (method === "DELETE") {
      await reply.code(state.deleteResource(id) ? 200 : 204).send();
      return true;
    }
    const body = (req.body ?? {}) as ResourceBody;
    const location = body.location ?? group.location;
    const denied = policyViolation(id, name, type, location);
    if (denied) {
      await armError(reply, 403, denied.code, denied.message, {
        target: denied.target,
        additionalInfo: denied.additionalInfo,
      });
      return true;
    }
    const r: EmulatedResource = {
      id,
      name,
      type,
      location,
      tags: body.tags ?? {},
      properties: body.properties ?? {},
    };
    const outcome = state.putResource(r);
    await reply.code(outcome === "created" ? 201 : 200).send(resourceView(r));
    return true;
  };
}
