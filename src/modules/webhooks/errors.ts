import { appError } from "../../platform/result.ts";

/** The failures the webhooks module reports. Codes are persisted in clients' code: never rename one. */
export const webhookErrors = {
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} with id ${id} exists, or you cannot see it. Check the id.`),
  forbidden: () =>
    appError(
      "forbidden",
      "Webhooks are managed by the organization's administrators. Ask one of them to make this change.",
    ),
  limit: (orgId: string, max: number) =>
    appError(
      "webhook_limit",
      `Organization ${orgId} already has ${max} webhook endpoints, the most allowed. Delete one it no longer uses, or subscribe an existing endpoint to more event types.`,
      { max },
    ),
  disabled: (id: string) =>
    appError(
      "webhook_disabled",
      `Webhook ${id} is disabled, so it receives no events. Enable it (enabled: true), then send the test again.`,
    ),
};

export type WebhookError = ReturnType<(typeof webhookErrors)[keyof typeof webhookErrors]>;
