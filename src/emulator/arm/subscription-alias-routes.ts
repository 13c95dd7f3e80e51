import { z } from "zod";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TokenClaims } from "../entra/verify-token.ts";
import type { EmulatorState } from "../state/emulator-state.ts";
import { armError } from "./arm-error.ts";

const Alias = z.object({
  name: z.string(),
  subscriptionId: z.string(),
  displayName: z.string(),
  billingScope: z.string(),
  partnerTenantId: z.string(),
});

const Body = z.object({
  properties: z.object({
    displayName: z.string().min(1).max(64),
    workload: z.enum(["Production", "DevTest"]).optional(),
    billingScope: z.string(),
    resellerId: z.string().optional(),
  }),
});

const CUSTOMER_SCOPE =
  /^\/providers\/Microsoft\.Billing\/billingAccounts\/[^/]+\/customers\/(?<customer>[0-9a-fA-F-]{36})$/;
const ALIAS_NAME = /^[\w.-]{1,64}$/;

/** What the alias API needs of Partner Center: a customer's active Azure plan, which a new subscription joins. */
export type AzurePlans = {
  addAzureSubscription(p: {
    partnerTenantId: string;
    customerId: string;
    displayName: string;
  }): { ok: true; subscriptionId: string } | { ok: false; reason: "not_a_customer" | "no_azure_plan" };
};

/**
 * The subscription alias API (microsoft-apis.md §C5): a CSP partner creates another Azure subscription under a
 * customer's Azure plan with a PUT to a name it chooses, so repeating the PUT returns the same subscription.
 */
export function subscriptionAliasRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    claims: (req: FastifyRequest) => TokenClaims | undefined;
    azurePlans: AzurePlans;
  },
) {
  const aliases = deps.state.store.collection("armSubscriptionAliases", Alias);
  const view = (a: z.infer<typeof Alias>) => ({
    id: `/providers/Microsoft.Subscription/aliases/${a.name}`,
    name: a.name,
    type: "Microsoft.Subscription/aliases",
    properties: { subscriptionId: a.subscriptionId, provisioningState: "Succeeded" },
  });
  type Params = { Params: { name: string } };
  const mine = (req: FastifyRequest<Params>) => {
    const tid = deps.claims(req)?.tid ?? "";
    return aliases.find((a) => a.name === req.params.name && a.partnerTenantId === tid);
  };

  app.get<Params>("/providers/Microsoft.Subscription/aliases/:name", async (req, reply) => {
    const found = mine(req);
    return found
      ? view(found)
      : armError(reply, 404, "ResourceNotFound", `The alias '${req.params.name}' was not found.`);
  });

  app.put<Params>("/providers/Microsoft.Subscription/aliases/:name", async (req, reply: FastifyReply) => {
    const { name } = req.params;
    if (!ALIAS_NAME.test(name))
      return armError(reply, 400, "InvalidAliasName", `The alias name '${name}' is not valid.`);
    const existing = mine(req);
    if (existing) return view(existing);
    const body = Body.safeParse(req.body);
    if (!body.success)
      return armError(
        reply,
        400,
        "InvalidRequestContent",
        body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    const scope = CUSTOMER_SCOPE.exec(body.data.properties.billingScope);
    const customerId = scope?.groups?.customer?.toLowerCase();
    if (!customerId)
      return armError(
        reply,
        400,
        "InvalidBillingScope",
        "The billingScope must be /providers/Microsoft.Billing/billingAccounts/{account}/customers/{customerTenantId}.",
      );
    const partnerTenantId = deps.claims(req)?.tid ?? "";
    const added = deps.azurePlans.addAzureSubscription({
      partnerTenantId,
      customerId,
      displayName: body.data.properties.displayName,
    });
    if (!added.ok)
      return added.reason === "not_a_customer"
        ? armError(
            reply,
            403,
            "AuthorizationFailed",
            `The client does not have authorization to create subscriptions for customer '${customerId}'.`,
          )
        : armError(
            reply,
            400,
            "BillingScopeNotActive",
            `The customer '${customerId}' has no active Azure plan to bill the subscription to.`,
          );
    const alias = aliases.add({
      name,
      subscriptionId: added.subscriptionId,
      displayName: body.data.properties.displayName,
      billingScope: body.data.properties.billingScope,
      partnerTenantId,
    });
    return reply.code(201).send(view(alias));
  });
}
