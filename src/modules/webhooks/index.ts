import type { Executor } from "../../platform/db/types.ts";
import type { WebhooksDeps } from "./deps.ts";
import { createDelivery } from "./delivery.ts";
import { createEndpoints } from "./endpoints.ts";
import { enqueue, type Enqueued, type NewEvent } from "./outbox.ts";

/** Organizations' webhook endpoints, the events announced to them, and their signed, retried delivery. */
export function createWebhooks(deps: WebhooksDeps) {
  const delivery = createDelivery(deps);
  return {
    endpoints: createEndpoints(deps),
    /**
     * Announces an event to the organization's enabled endpoints subscribed to its type. Call it inside the
     * transaction of the change it announces (an Executor): deliveries exist only if that transaction commits.
     */
    enqueue: (tx: Executor, event: NewEvent): Promise<Enqueued> => enqueue(tx, deps.clock, event),
    /** Attempts every due delivery once, at most `max` attempts in all; for tests and for the worker. */
    deliverDue: delivery.deliverDue,
    /** Delivers every `pollMs` until `stop()`; worker processes run it. */
    startWorker: delivery.startWorker,
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
export type { WebhooksDeps } from "./deps.ts";
export type { WebhookError } from "./errors.ts";
export type { Delivery, Webhook, WebhookWithSecret } from "./endpoints.ts";
export type { EventEnvelope, Enqueued, NewEvent } from "./outbox.ts";
export type { DeliveryRound } from "./delivery.ts";
export type { RetryPolicy } from "./backoff.ts";
export { defaultRetryPolicy } from "./backoff.ts";
export { ALL_EVENTS, webhookEventTypes, type WebhookEventType } from "./event-types.ts";
export {
  WebhookFields,
  type EventSubscription,
  type NewWebhook,
  type WebhookChanges,
} from "./endpoint-input.ts";
export { SIGNATURE_HEADER, verifySignature, type SignatureError } from "./signature.ts";
