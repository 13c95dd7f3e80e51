import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatedSubscription, EmulatorState } from "../state/emulator-state.ts";

const NewSubscription = z.object({
  displayName: z.string().min(1).max(64),
  offer: z.enum(["AzurePlan", "PayAsYouGo", "EnterpriseAgreement", "MSDN"]).default("AzurePlan"),
  /** For an AzurePlan subscription: the partner whose plan bills it (default: every partner of the tenant). */
  partnerTenantId: z.uuid().optional(),
});
const Transfer = z.object({ partnerTenantId: z.uuid() });

const view = (s: EmulatedSubscription) => ({
  subscriptionId: s.subscriptionId,
  tenantId: s.tenantId,
  displayName: s.displayName,
  offer: s.offer,
  partnerTenantId: s.partnerTenantId ?? null,
});

const issues = (e: z.ZodError) => e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");

/**
 * What people do outside any API a partner calls: a subscription created in a tenant (e.g. the new subscription a
 * technical account manager moves resources into), and Microsoft completing a subscription's billing transfer to a
 * partner (`offer` becomes AzurePlan under that partner).
 */
export function subscriptionControlRoutes(app: FastifyInstance, state: EmulatorState) {
  app.post<{ Params: { tenantId: string }; Body: unknown }>(
    "/_emulator/tenants/:tenantId/subscriptions",
    async (req, reply) => {
      const tenant = state.tenant(req.params.tenantId);
      if (!tenant) return reply.code(404).send({ error: `No tenant ${req.params.tenantId}.` });
      const parsed = NewSubscription.safeParse(req.body ?? {});
      if (!parsed.success) return reply.code(400).send({ error: issues(parsed.error) });
      const created = state.addSubscription({
        tenantId: tenant.id,
        displayName: parsed.data.displayName,
        offer: parsed.data.offer,
        ...(parsed.data.partnerTenantId
          ? { partnerTenantId: parsed.data.partnerTenantId.toLowerCase() }
          : {}),
      });
      return reply.code(201).send(view(created));
    },
  );

  app.post<{ Params: { subscriptionId: string }; Body: unknown }>(
    "/_emulator/subscriptions/:subscriptionId/billing-transfer",
    async (req, reply) => {
      const parsed = Transfer.safeParse(req.body ?? {});
      if (!parsed.success) return reply.code(400).send({ error: issues(parsed.error) });
      if (!state.tenant(parsed.data.partnerTenantId))
        return reply.code(404).send({ error: `No partner tenant ${parsed.data.partnerTenantId}.` });
      const moved = state.transferSubscription(
        req.params.subscriptionId,
        parsed.data.partnerTenantId.toLowerCase(),
      );
      if (!moved) return reply.code(404).send({ error: `No subscription ${req.params.subscriptionId}.` });
      return reply.send(view(moved));
    },
  );
}
