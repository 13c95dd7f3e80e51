import { isAzurePlan } from "./catalog.ts";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { EmulatorClock } from "../control/clock.ts";
import { verifyBearer, type TokenClaims } from "../entra/verify-token.ts";
import type { SigningKey } from "../entra/signing-key.ts";
import type { EmulatorState } from "../state/emulator-state.ts";
import { agreementRoutes } from "./agreement-routes.ts";
import { cartRoutes } from "./cart-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import { openCommerceState } from "./commerce-state.ts";
import { consentRoutes } from "./consent-routes.ts";
import { customerRoutes } from "./customer-routes.ts";
import { orderRoutes } from "./order-routes.ts";
import { settleDueOrders } from "./orders.ts";
import { pcError } from "./pc-answer.ts";
import { DEFAULT_PARTNER_CENTER_SETTINGS, type PartnerCenterSettings, type PcContext } from "./pc-context.ts";
import { relationshipRoutes } from "./relationship-routes.ts";
import { subscriptionRoutes } from "./subscription-routes.ts";
import { createThrottle, throttledResource } from "./throttle.ts";

/** How often pending orders are looked at, in real time, so ARM sees a provisioned Azure subscription promptly. */
const SETTLE_EVERY_MS = 200;

/**
 * Partner Center v1. Every /v1/ request echoes MS-RequestId and MS-CorrelationId, needs a token for Partner
 * Center's audience, and counts against the partner's per-minute limits on the Customer and Subscription resources
 * (429 with Retry-After past them, B4). Orders due for provisioning are settled before any request is handled and
 * on a short timer, so both Partner Center and ARM see them complete when the clock passes their time.
 */
const SettingsBody = z
  .object({
    provisioningDelaySeconds: z.number().int().min(0).max(86_400),
    requestsPerMinute: z.number().int().min(1).max(10_000_000),
    honourRequestIds: z.boolean(),
  })
  .partial();

export function partnerCenterRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    key: SigningKey;
    baseUrl: () => string;
    clock: EmulatorClock;
    settings?: Partial<PartnerCenterSettings>;
  },
) {
  const claimsOf = new WeakMap<FastifyRequest, TokenClaims>();
  const ctx: PcContext = {
    state: deps.state,
    commerce: openCommerceState(deps.state.store),
    clock: deps.clock,
    settings: { ...DEFAULT_PARTNER_CENTER_SETTINGS, ...deps.settings },
    baseUrl: deps.baseUrl,
    claims(req) {
      const claims = claimsOf.get(req);
      if (!claims) throw new Error(`No verified claims for ${req.method} ${req.url}.`);
      return claims;
    },
  };
  const throttle = createThrottle(deps.clock.now, () => ctx.settings.requestsPerMinute);

  app.addHook("onRequest", async (req, reply) => {
    const route = req.routeOptions.url ?? "";
    if (!route.startsWith("/v1/")) return;
    const requestId = req.headers["ms-requestid"];
    const correlationId = req.headers["ms-correlationid"];
    void reply.header("ms-requestid", typeof requestId === "string" ? requestId : randomUUID());
    void reply.header("ms-correlationid", typeof correlationId === "string" ? correlationId : randomUUID());
    const auth = verifyBearer(req.headers.authorization, deps.key, [
      "https://api.partnercenter.microsoft.com",
      deps.baseUrl(),
    ]);
    if (!auth.ok) {
      void reply.header("www-authenticate", "OAuth realm=urn:cpsvc:cpid:emulator");
      return pcError(reply, 401, 900401, `Authentication failed: ${auth.message}`);
    }
    claimsOf.set(req, auth.claims);
    const resource = throttledResource(route);
    if (resource) {
      const taken = throttle.take(`${auth.claims.tid} ${resource}`);
      // B4: the throttling answer is not Partner Center's usual error body.
      if (!taken.ok)
        return reply
          .code(429)
          .header("retry-after", String(taken.retryAfterSeconds))
          .send({
            statusCode: 429,
            message: `Rate limit is exceeded. Try again in ${taken.retryAfterSeconds} seconds.`,
          });
    }
    settleDueOrders(ctx);
  });

  const timer = setInterval(() => settleDueOrders(ctx), SETTLE_EVERY_MS);
  timer.unref();
  app.addHook("onClose", (_app, done) => {
    clearInterval(timer);
    done();
  });

  // The control plane may retune the settings while the emulator runs (a benchmark lifts the per-minute limit).
  app.get("/_emulator/partner-center/settings", () => Promise.resolve(ctx.settings));
  app.put<{ Body: unknown }>("/_emulator/partner-center/settings", async (req, reply) => {
    const parsed = SettingsBody.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({
        error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
    ctx.settings = { ...ctx.settings, ...parsed.data };
    return ctx.settings;
  });

  customerRoutes(app, ctx);
  consentRoutes(app, ctx);
  agreementRoutes(app, ctx);
  catalogRoutes(app, ctx);
  cartRoutes(app, ctx);
  orderRoutes(app, ctx);
  subscriptionRoutes(app, ctx);
  relationshipRoutes(app, ctx);
  return {
    /** The Azure plan (Partner Center subscription id) an Azure subscription was provisioned under, if any. */
    azurePlanOf: (azureSubscriptionId: string) =>
      ctx.commerce.azureEntitlements.find((e) => e.id === azureSubscriptionId.toLowerCase())?.subscriptionId,
    /** Another Azure subscription under the customer's active Azure plan (the ARM alias API, C5). */
    addAzureSubscription(p: { partnerTenantId: string; customerId: string; displayName: string }) {
      const customer = ctx.state
        .customersOf(p.partnerTenantId)
        .find((c) => c.id === p.customerId.toLowerCase());
      if (!customer) return { ok: false as const, reason: "not_a_customer" as const };
      settleDueOrders(ctx);
      const plan = ctx.commerce.subscriptions.find(
        (s) =>
          s.customerId === customer.id &&
          s.partnerTenantId === p.partnerTenantId &&
          isAzurePlan(s.offerId) &&
          s.status === "active",
      );
      if (!plan) return { ok: false as const, reason: "no_azure_plan" as const };
      const azure = ctx.state.addSubscription({ tenantId: customer.id, displayName: p.displayName });
      ctx.commerce.azureEntitlements.add({
        id: azure.subscriptionId,
        customerId: customer.id,
        subscriptionId: plan.id,
      });
      return { ok: true as const, subscriptionId: azure.subscriptionId };
    },
  };
}
