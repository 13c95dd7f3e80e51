import { z } from "zod";
import { ALL_EVENTS, webhookEventTypes } from "./event-types.ts";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const EXAMPLE = "https://example.com/partner-cloud/events";

/** Why an endpoint URL is refused, or null. Plain http only reaches this machine (a receiver under test). */
export function urlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `url must be an absolute address such as ${EXAMPLE}`;
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)))
    return `url must start with https:// (plain http is accepted only for localhost and 127.0.0.1), such as ${EXAMPLE}`;
  if (url.username !== "" || url.password !== "")
    return "url must not carry a user name or password: receivers check the Partner-Cloud-Signature header instead";
  if (url.hash !== "") return "url must not have a #fragment: it is never sent to the receiver";
  return null;
}

const eventTypeNames = [ALL_EVENTS, ...webhookEventTypes] as const;

/** The fields of an endpoint as clients give them; each message names the field and how to fix it. */
export const WebhookFields = z.object({
  url: z
    .string({ error: `url is required: the https address that receives events, such as ${EXAMPLE}` })
    .trim()
    .max(2048, "url must be at most 2048 characters")
    .superRefine((value, ctx) => {
      const problem = urlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  description: z
    .string({ error: "description must be text of at most 500 characters" })
    .trim()
    .max(500, "description must be at most 500 characters"),
  eventTypes: z
    .array(
      z.enum(eventTypeNames, {
        error: `eventTypes must each be one of ${webhookEventTypes.join(", ")}, or "*" for all`,
      }),
      { error: 'eventTypes is required: a list of event types such as ["provider.ready"], or ["*"] for all' },
    )
    .min(1, 'eventTypes must list at least one event type, or ["*"] for all')
    .max(eventTypeNames.length, `eventTypes must list at most ${eventTypeNames.length} event types`)
    .refine(
      (list) => !list.includes(ALL_EVENTS) || list.length === 1,
      'eventTypes: "*" already means every event type; give it alone',
    )
    .transform((list) => [...new Set(list)]),
  enabled: z.boolean({ error: "enabled must be true or false" }),
});

export type EventSubscription = z.infer<typeof WebhookFields.shape.eventTypes>;

export type NewWebhook = {
  url: string;
  description?: string | undefined;
  eventTypes: EventSubscription;
  enabled?: boolean | undefined;
};

export type WebhookChanges = {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: EventSubscription | undefined;
  enabled?: boolean | undefined;
};
