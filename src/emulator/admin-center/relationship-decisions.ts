import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Store } from "../state/store.ts";
import type { EmulatorClock } from "../control/clock.ts";

const Decision = z.object({
  id: z.string(),
  customerTenantId: z.string(),
  partnerTenantId: z.string(),
  userId: z.string(),
  userPrincipalName: z.string(),
  decision: z.enum(["accept", "decline"]),
  /** What the decision did: the relationship created, refused, or nothing because it already existed. */
  outcome: z.enum(["accepted", "declined", "alreadyAccepted"]),
  decidedAt: z.string(),
});

export type RelationshipDecision = z.infer<typeof Decision>;

/** Every accept or decline of a reseller relationship invitation, as the customer's admin made it. */
export function openRelationshipDecisions(store: Store, clock: EmulatorClock) {
  const decisions = store.collection("resellerRelationshipDecisions", Decision);
  return {
    record: (d: Omit<RelationshipDecision, "id" | "decidedAt">): RelationshipDecision =>
      decisions.add({ ...d, id: randomUUID(), decidedAt: clock.nowIso() }),
    all: () => decisions.all(),
    latest: (customerTenantId: string, partnerTenantId: string) =>
      decisions
        .filter((d) => d.customerTenantId === customerTenantId && d.partnerTenantId === partnerTenantId)
        .at(-1),
  };
}

export type RelationshipDecisions = ReturnType<typeof openRelationshipDecisions>;

/** Control plane: `GET /_emulator/relationship-decisions[?partnerId=&customerTenantId=]`, oldest first. */
export function relationshipDecisionRoutes(app: FastifyInstance, decisions: RelationshipDecisions) {
  app.get<{ Querystring: { partnerId?: string; customerTenantId?: string } }>(
    "/_emulator/relationship-decisions",
    (req) =>
      Promise.resolve({
        value: decisions
          .all()
          .filter(
            (d) =>
              (!req.query.partnerId || d.partnerTenantId === req.query.partnerId.toLowerCase()) &&
              (!req.query.customerTenantId ||
                d.customerTenantId === req.query.customerTenantId.toLowerCase()),
          ),
      }),
  );
}
