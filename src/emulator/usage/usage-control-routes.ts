import type { FastifyInstance } from "fastify";
import { closesAt, isClosed } from "./billing-calendar.ts";
import { knownCurrencies } from "./exchange-rates.ts";
import { exactJson } from "./exact-json.ts";
import { customerMonthTotals } from "./expected-totals.ts";
import { UsageProfileInput, type UsageWorld } from "./usage-world.ts";

/**
 * The usage control plane (no authentication: keep the emulator on loopback), for seed scenarios and tests:
 * - `PUT /_emulator/usage/subscriptions/{id}` `{usageSince?: "YYYY-MM-DD", scale?: 1–1000, currency?: "GBP"}` sets
 *   how a subscription meters usage. A start day in a month already invoiced changes that month's rows, not its
 *   invoice.
 * - `GET /_emulator/usage/expected/{partnerTenantId}/{YYYY-MM}` gives the exact truth of a month per customer (list
 *   cost, partner cost, PEC, billing total, invoice subtotal): billed figures once the month has closed, what has
 *   arrived so far before.
 */
export function usageControlRoutes(app: FastifyInstance, deps: { usage: UsageWorld; now: () => number }) {
  app.put<{ Params: { id: string }; Body: unknown }>(
    "/_emulator/usage/subscriptions/:id",
    async (req, reply) => {
      const parsed = UsageProfileInput.safeParse(req.body ?? {});
      if (!parsed.success)
        return reply.code(400).send({
          error: `Send {usageSince?: 'YYYY-MM-DD', scale?: a whole number 1–1000, currency?: ${knownCurrencies().join("|")}}.`,
        });
      return deps.usage.setProfile(req.params.id, parsed.data);
    },
  );

  app.get<{ Params: { partnerTenantId: string; month: string } }>(
    "/_emulator/usage/expected/:partnerTenantId/:month",
    async (req, reply) => {
      const { partnerTenantId, month } = req.params;
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
        return reply.code(400).send({ error: "The month must be YYYY-MM." });
      const closed = isClosed(month, deps.now());
      const asOf = closed ? closesAt(month) : deps.now();
      const customers = customerMonthTotals(
        deps.usage.arrivedRows(partnerTenantId.toLowerCase(), month, asOf),
      );
      return reply
        .type("application/json; charset=utf-8")
        .send(exactJson({ partnerTenantId, month, closed, asOf: new Date(asOf).toISOString(), customers }));
    },
  );
}
