import { and, eq, sql } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Executor } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import { ALL_EVENTS, type WebhookEventType } from "./event-types.ts";
import { webhookDeliveries, webhookEndpoints, webhookEvents } from "./tables.ts";

/** What a module announces: the organization it concerns, a declared type, and JSON data. */
export type NewEvent = {
  readonly orgId: string;
  readonly type: WebhookEventType;
  readonly data: Readonly<Record<string, unknown>>;
};

/** The JSON body of every delivery. */
export type EventEnvelope = {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  orgId: string;
  data: Readonly<Record<string, unknown>>;
};

export type Enqueued = { eventId: string | null; deliveryIds: string[] };

/** Stores the event once and one pending delivery per endpoint, all due now. Nothing when no endpoint is given. */
export async function insertEvent(
  tx: Executor,
  clock: Clock,
  event: NewEvent,
  webhookIds: readonly string[],
): Promise<Enqueued> {
  if (webhookIds.length === 0) return { eventId: null, deliveryIds: [] };
  const at = clock.now();
  const envelope: EventEnvelope = {
    id: newId("webhookEvent", at),
    type: event.type,
    createdAt: at.toISOString(),
    orgId: event.orgId,
    data: event.data,
  };
  await tx.insert(webhookEvents).values({
    id: envelope.id,
    orgId: event.orgId,
    type: event.type,
    body: JSON.stringify(envelope),
    createdAt: at,
  });
  const rows = webhookIds.map((webhookId) => ({
    id: newId("webhookDelivery", at),
    eventId: envelope.id,
    webhookId,
    orgId: event.orgId,
    eventType: event.type,
    status: "pending" as const,
    nextAttemptAt: at,
    createdAt: at,
  }));
  await tx.insert(webhookDeliveries).values(rows);
  return { eventId: envelope.id, deliveryIds: rows.map((r) => r.id) };
}

/**
 * Announces an event to every enabled endpoint of the organization subscribed to its type. Call it inside the
 * transaction of the change it announces: deliveries exist only if that transaction commits (transactional outbox).
 */
export async function enqueue(tx: Executor, clock: Clock, event: NewEvent): Promise<Enqueued> {
  const subscribed = await tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.orgId, event.orgId),
        eq(webhookEndpoints.enabled, true),
        sql`(${event.type} = ANY(${webhookEndpoints.eventTypes}) OR ${ALL_EVENTS} = ANY(${webhookEndpoints.eventTypes}))`,
      ),
    )
    .orderBy(webhookEndpoints.id);
  return insertEvent(
    tx,
    clock,
    event,
    subscribed.map((s) => s.id),
  );
}
