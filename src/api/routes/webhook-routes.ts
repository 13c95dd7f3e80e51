import { z } from "zod";
import { WebhookFields, webhookEventTypes } from "../../modules/webhooks/index.ts";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, id, pageOfSchema, pageQuery, strict } from "../schemas.ts";
import { orgParams } from "./organization-routes.ts";

const webhookParams = z.object({ webhookId: id("webhook", "webhookId") });

const at = z.date();

const EventTypes = z
  .array(z.enum(["*", ...webhookEventTypes]))
  .describe('The event types the endpoint receives; ["*"] for all, including types added later');

const WebhookSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: EventTypes,
  enabled: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: at,
  updatedAt: at,
  secretRolledAt: at.nullable(),
  previousSecretExpiresAt: at
    .nullable()
    .describe("Until when the secret before the last roll still signs deliveries too"),
});

const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z
    .string()
    .describe(
      "The signing secret (whsec_…), shown only in this answer: store it now. Deliveries carry Partner-Cloud-Signature: " +
        't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with this secret>.',
    ),
});

const DeliverySchema = z.object({
  id: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z
    .enum(["pending", "delivered", "failed", "cancelled"])
    .describe(
      "pending: due at nextAttemptAt; failed: given up after the last attempt; cancelled: endpoint disabled",
    ),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: at.nullable(),
  nextAttemptAt: at.nullable(),
  deliveredAt: at.nullable(),
  createdAt: at,
});

const { url, description, eventTypes, enabled } = WebhookFields.shape;

const NewWebhookBody = strict({
  url,
  description: description.optional(),
  eventTypes,
  enabled: enabled.optional(),
});

const WebhookChangesBody = strict({
  url: url.optional(),
  description: description.optional(),
  eventTypes: eventTypes.optional(),
  enabled: enabled.optional(),
}).refine(
  (b) => Object.values(b).some((v) => v !== undefined),
  "Give at least one of url, description, eventTypes, enabled",
);

const RollBody = strict({
  keepPreviousForHours: z
    .number({ error: "keepPreviousForHours must be a whole number of hours from 0 to 168" })
    .int("keepPreviousForHours must be a whole number of hours from 0 to 168")
    .min(0, "keepPreviousForHours must be at least 0 (0 stops the previous secret at once)")
    .max(168, "keepPreviousForHours must be at most 168 (a week)")
    .optional()
    .describe("How long the previous secret keeps signing deliveries too; 24 unless given, 0 after a leak"),
}).nullish();

const conflict = { 409: errorResponses[400] };

const who = "organization administrators and operators";

export function webhookRoutes(app: App, deps: ApiDeps): void {
  const { endpoints } = deps.webhooks;

  app.get(
    "/api/v1/organizations/:orgId/webhooks",
    {
      schema: {
        operationId: "listOrganizationWebhooks",
        tags: ["webhooks"],
        summary: `The organization's webhook endpoints (${who})`,
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(WebhookSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.list(callerOf(req), req.params.orgId, toPage(req.query))),
  );

  app.post(
    "/api/v1/organizations/:orgId/webhooks",
    {
      schema: {
        operationId: "createWebhook",
        tags: ["webhooks"],
        summary: `Add a webhook endpoint to the organization (${who}); its signing secret is shown once`,
        description:
          "Events are POSTed as JSON { id, type, createdAt, orgId, data } with the headers Partner-Cloud-Event-Id, " +
          "Partner-Cloud-Event-Type and Partner-Cloud-Signature; a 2xx answer within 10 s is a delivery, anything " +
          "else is retried with exponential backoff for about three days. The URL must be https. An organization " +
          "has at most 5 endpoints (409 webhook_limit).",
        params: orgParams,
        body: NewWebhookBody,
        response: { 201: WebhookWithSecretSchema, ...errorResponses, ...conflict },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.create(callerOf(req), req.params.orgId, req.body), 201),
  );

  app.get(
    "/api/v1/webhooks/:webhookId",
    {
      schema: {
        operationId: "getWebhook",
        tags: ["webhooks"],
        summary: `One webhook endpoint, without its secret (${who})`,
        params: webhookParams,
        response: { 200: WebhookSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await endpoints.get(callerOf(req), req.params.webhookId)),
  );

  app.patch(
    "/api/v1/webhooks/:webhookId",
    {
      schema: {
        operationId: "updateWebhook",
        tags: ["webhooks"],
        summary: `Change a webhook endpoint's URL, description, event types or enabled flag (${who})`,
        description:
          "Disabling an endpoint cancels its pending deliveries; enabling it again does not replay them.",
        params: webhookParams,
        body: WebhookChangesBody,
        response: { 200: WebhookSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.update(callerOf(req), req.params.webhookId, req.body)),
  );

  app.delete(
    "/api/v1/webhooks/:webhookId",
    {
      schema: {
        operationId: "deleteWebhook",
        tags: ["webhooks"],
        summary: `Delete a webhook endpoint and its deliveries (${who})`,
        params: webhookParams,
        response: { 204: z.null().describe("Deleted"), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.remove(callerOf(req), req.params.webhookId), 204),
  );

  app.post(
    "/api/v1/webhooks/:webhookId/roll-secret",
    {
      schema: {
        operationId: "rollWebhookSecret",
        tags: ["webhooks"],
        summary: `Replace a webhook endpoint's signing secret; the new one is shown once (${who})`,
        description:
          "The previous secret keeps signing deliveries too (a second v1 in Partner-Cloud-Signature) for " +
          "keepPreviousForHours, 24 unless given, so receivers can switch without refusing events.",
        params: webhookParams,
        body: RollBody,
        response: { 200: WebhookWithSecretSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await endpoints.rollSecret(callerOf(req), req.params.webhookId, {
          keepPreviousForHours: req.body?.keepPreviousForHours,
        }),
      ),
  );

  app.post(
    "/api/v1/webhooks/:webhookId/test",
    {
      schema: {
        operationId: "sendWebhookTest",
        tags: ["webhooks"],
        summary: `Send a webhook.test event to this endpoint, whatever it subscribes to (${who})`,
        description: "Queued and delivered like any event: follow it in the endpoint's deliveries.",
        params: webhookParams,
        response: {
          202: z.object({ eventId: z.string(), deliveryId: z.string() }),
          ...errorResponses,
          ...conflict,
        },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.sendTest(callerOf(req), req.params.webhookId), 202),
  );

  app.get(
    "/api/v1/webhooks/:webhookId/deliveries",
    {
      schema: {
        operationId: "listWebhookDeliveries",
        tags: ["webhooks"],
        summary: `A webhook endpoint's deliveries, newest first, with attempts and the last answer (${who})`,
        params: webhookParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(DeliverySchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await endpoints.deliveries(callerOf(req), req.params.webhookId, toPage(req.query))),
  );
}
