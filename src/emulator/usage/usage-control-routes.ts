import type { FastifyInstance } from "fastify";
import type { UsageWorld } from "./usage-world.ts";
import { UsageProfileInput } from "./usage-world.ts";

/**
 * `PUT /_emulator/usage/subscriptions/{id}` `{usageSince?: "YYYY-MM-DD", scale?: 1–1000, currency?: "GBP"}` sets
 * how a subscription meters usage, for seed scenarios and tests (control plane, no authentication: keep the
 * emulator on loopback). A start day in a month already invoiced changes that month's rows but not its invoice.
 */
export function usageControlRoutes(app: FastifyInstance, usage: UsageWorld) {
  app.put<{ Params: { id: string }; Body: unknown }>("/_emulator/usage/subscriptions/:id", async (req, reply) => {
    const parsed = UsageProfileInput.safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({
        error: "Send {usageSince?: 'YYYY-MM-DD', scale?: a whole number 1–1000, currency?: USD|GBP|CAD|EUR|JPY}.",
      });
    return usage.setProfile(req.params.id, parsed.data);
  });
}
