import { randomUUID } from "node:crypto";
import { armError } from "./arm-error.ts";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { verifyBearer, type TokenClaims } from "../entra/verify-token.ts";
import type { SigningKey } from "../entra/signing-key.ts";
import { builtInPolicies, policyDefinitionView } from "./built-in-policies.ts";
import { roleAssignmentRoutes } from "./role-assignment-routes.ts";
import { subscriptionAliasRoutes, type AzurePlans } from "./subscription-alias-routes.ts";
import type { ArmThrottle } from "./throttle.ts";
import type { EmulatedResourceGroup, EmulatedSubscription, EmulatorState } from "../state/emulator-state.ts";

const RG_NAME = /^[-\w.()]{1,90}$/;

/** ARM's quota id tells how a subscription is bought; a CSP Azure plan's reads CSP_2015-05-01. */
const QUOTA_ID: Record<EmulatedSubscription["offer"], string> = {
  AzurePlan: "CSP_2015-05-01",
  PayAsYouGo: "PayAsYouGo_2014-09-01",
  EnterpriseAgreement: "EnterpriseAgreement_2014-09-01",
  MSDN: "MSDN_2014-09-01",
};

const subscriptionView = (s: EmulatedSubscription, managedBy: string[]) => ({
  id: `/subscriptions/${s.subscriptionId}`,
  authorizationSource: "RoleBased",
  managedByTenants: managedBy.map((tenantId) => ({ tenantId })),
  subscriptionId: s.subscriptionId,
  tenantId: s.tenantId,
  displayName: s.displayName,
  state: s.state,
  subscriptionPolicies: {
    locationPlacementId: "Public_2014-09-01",
    quotaId: QUOTA_ID[s.offer],
    spendingLimit: "Off",
  },
});

const groupView = (g: EmulatedResourceGroup) => ({
  id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`,
  name: g.name,
  type: "Microsoft.Resources/resourceGroups",
  location: g.location,
  tags: g.tags,
  properties: { provisioningState: "Succeeded" },
});

/**
 * Azure Resource Manager, the part the SDK's subscription and resource-group clients use: bearer tokens checked
 * for signature, expiry and audience; `api-version` required; ARM's request-id headers; token-bucket throttling
 * with its rate-limit headers (throttle.ts); deletes as long-running operations (202 + Location).
 */
export function armRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    key: SigningKey;
    baseUrl: () => string;
    throttle: ArmThrottle;
    azurePlans: AzurePlans;
  },
) {
  const { state } = deps;
  const claimsOf = new WeakMap<FastifyRequest, TokenClaims>();

  app.addHook("onRequest", async (req, reply) => {
    const route = req.routeOptions.url ?? "";
    if (!route.startsWith("/subscriptions") && !route.startsWith("/providers")) return;
    const correlation = req.headers["x-ms-correlation-request-id"];
    void reply.header("x-ms-request-id", randomUUID());
    void reply.header(
      "x-ms-correlation-request-id",
      typeof correlation === "string" ? correlation : randomUUID(),
    );
    const auth = verifyBearer(req.headers.authorization, deps.key, [
      "https://management.azure.com",
      "https://management.core.windows.net",
      deps.baseUrl(),
    ]);
    if (!auth.ok) {
      void reply.header(
        "www-authenticate",
        `Bearer authorization_uri="${deps.baseUrl()}/common/oauth2/authorize", error="invalid_token"`,
      );
      return armError(reply, 401, auth.code, auth.message);
    }
    if (!deps.throttle.admit(req, reply, auth.claims)) return reply;
    if (!(req.query as Record<string, unknown>)["api-version"])
      return armError(
        reply,
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    claimsOf.set(req, auth.claims);
  });

  /** A CSP partner manages its customers' Azure-plan subscriptions: those partners are the managing tenants. */
  const managersOf = (s: EmulatedSubscription) =>
    s.offer !== "AzurePlan"
      ? []
      : s.partnerTenantId
        ? [s.partnerTenantId]
        : state.partnersOf(s.tenantId).map((c) => c.partnerTenantId);

  /** The subscription, if the caller's tenant holds it. */
  function visible(
    req: FastifyRequest,
    reply: FastifyReply,
    subscriptionId: string,
  ): EmulatedSubscription | undefined {
    const sub = state.subscription(subscriptionId);
    if (!sub) {
      void armError(
        reply,
        404,
        "SubscriptionNotFound",
        `The subscription '${subscriptionId}' could not be found.`,
      );
      return undefined;
    }
    if (sub.tenantId !== claimsOf.get(req)?.tid) {
      void armError(
        reply,
        403,
        "AuthorizationFailed",
        `The client '${claimsOf.get(req)?.oid ?? ""}' does not have authorization to perform action over scope '/subscriptions/${subscriptionId}' or the scope is invalid.`,
      );
      return undefined;
    }
    return sub;
  }

  type SubParams = { Params: { sub: string } };
  type RgParams = {
    Params: { sub: string; rg: string };
    Body: { location?: string; tags?: Record<string, string> } | undefined;
  };

  app.get("/subscriptions", (req) =>
    Promise.resolve({
      value: state
        .subscriptionsOf(claimsOf.get(req)?.tid ?? "")
        .map((s) => subscriptionView(s, managersOf(s))),
    }),
  );

  app.get<SubParams>("/subscriptions/:sub", async (req, reply) => {
    const sub = visible(req, reply, req.params.sub);
    return sub ? subscriptionView(sub, managersOf(sub)) : reply;
  });

  for (const segment of ["resourcegroups", "resourceGroups"]) {
    app.get<SubParams>(`/subscriptions/:sub/${segment}`, async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      return sub ? { value: state.resourceGroupsOf(sub.subscriptionId).map(groupView) } : reply;
    });

    app.put<RgParams>(`/subscriptions/:sub/${segment}/:rg`, async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      if (!sub) return reply;
      const { rg } = req.params;
      if (!RG_NAME.test(rg) || rg.endsWith("."))
        return armError(
          reply,
          400,
          "InvalidResourceGroup",
          `The provided resource group name '${rg}' has these invalid characters or length.`,
        );
      const location = req.body?.location;
      if (!location)
        return armError(
          reply,
          400,
          "LocationRequired",
          "The location property is required for this definition.",
        );
      const group = { subscriptionId: sub.subscriptionId, name: rg, location, tags: req.body?.tags ?? {} };
      const outcome = state.putResourceGroup(group);
      return reply
        .code(outcome === "created" ? 201 : 200)
        .send(groupView(state.resourceGroup(sub.subscriptionId, rg) ?? group));
    });

    app.get<RgParams>(`/subscriptions/:sub/${segment}/:rg`, async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      if (!sub) return reply;
      const g = state.resourceGroup(sub.subscriptionId, req.params.rg);
      return g
        ? groupView(g)
        : armError(
            reply,
            404,
            "ResourceGroupNotFound",
            `Resource group '${req.params.rg}' could not be found.`,
          );
    });

    app.head<RgParams>(`/subscriptions/:sub/${segment}/:rg`, async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      if (!sub) return reply;
      return reply.code(state.resourceGroup(sub.subscriptionId, req.params.rg) ? 204 : 404).send();
    });

    // Deleting is a long-running operation: 202 with a Location to poll (C7); this emulator finishes at once.
    app.delete<RgParams>(`/subscriptions/:sub/${segment}/:rg`, async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      if (!sub) return reply;
      if (!state.deleteResourceGroup(sub.subscriptionId, req.params.rg)) return reply.code(204).send();
      const apiVersion = String((req.query as Record<string, unknown>)["api-version"]);
      void reply.header(
        "location",
        `${deps.baseUrl()}/subscriptions/${sub.subscriptionId}/operationresults/${randomUUID()}?api-version=${apiVersion}`,
      );
      void reply.header("retry-after", "0");
      return reply.code(202).send();
    });
  }

  roleAssignmentRoutes(app, { state, visible });
  subscriptionAliasRoutes(app, { state, claims: (req) => claimsOf.get(req), azurePlans: deps.azurePlans });

  app.get<{ Params: { id: string } }>(
    "/providers/Microsoft.Authorization/policyDefinitions/:id",
    async (req, reply) =>
      builtInPolicies[req.params.id.toLowerCase()]
        ? policyDefinitionView(req.params.id.toLowerCase())
        : armError(
            reply,
            404,
            "PolicyDefinitionNotFound",
            `The policy definition '${req.params.id}' could not be found.`,
          ),
  );

  app.get<{ Params: { sub: string; op: string } }>(
    "/subscriptions/:sub/operationresults/:op",
    async (req, reply) => {
      const sub = visible(req, reply, req.params.sub);
      return sub ? reply.code(200).send() : reply;
    },
  );
}
