/**
 * The events an organization's webhooks can subscribe to. Persisted (in endpoints' subscriptions and in receivers'
 * code): never rename one, add a new type instead.
 */
export const webhookEventTypes = [
  "provider.onboarding.started",
  "provider.onboarding.step_completed",
  "provider.onboarding.waiting",
  "provider.onboarding.stuck",
  "provider.onboarding.failed",
  "provider.onboarding.succeeded",
  "provider.onboarding.cancelled",
  "provider.ready",
  "provider.deleted",
  "webhook.test",
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** An endpoint subscribed to `["*"]` receives every event type, including types added later. */
export const ALL_EVENTS = "*";
