import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SigningKey } from "../entra/signing-key.ts";
import { verifyBearer } from "../entra/verify-token.ts";
import type { EmulatedCustomer, EmulatorState } from "../state/emulator-state.ts";
import type { Store } from "../state/store.ts";

/**
 * Partner Center's webhook event names a registration may ask for; the emulator delivers `test-created`,
 * `customer-created` and `reseller-relationship-accepted-by-customer`.
 */
const EVENTS = [
  "test-created",
  "reseller-relationship-accepted-by-customer",
  "customer-created",
  "granular-admin-relationship-approved",
  "granular-admin-relationship-activated",
  "granular-admin-relationship-expired",
  "subscription-updated",
] as const;

const Registration = z.object({
  partnerTenantId: z.string(),
  subscriberId: z.string(),
  webhookUrl: z.string(),
  webhookEvents: z.array(z.string()),
});
const Delivery = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  eventName: z.string(),
  url: z.string(),
  body: z.string(),
  status: z.number(),
  attempts: z.number(),
  at: z.string(),
});

const RegistrationBody = z.object({
  WebhookUrl: z.url("WebhookUrl must be an absolute http(s) URL"),
  WebhookEvents: z.array(z.enum(EVENTS)).min(1, "WebhookEvents must name at least one event"),
});

function pcError(reply: FastifyReply, status: number, code: number, description: string) {
  return reply.code(status).send({ code, description, data: [], source: "PartnerFD" });
}

/** Deliveries are retried a few times, a little apart, as a notification service does; then given up. */
const ATTEMPTS = 3;

/**
 * Partner Center's webhooks (`{base}/webhooks/v1/registration`): a partner registers one URL and the events it
 * wants; the emulator then POSTs each event to it, signed as Microsoft signs them (`Authorization: Signature
 * <base64 RSA-SHA256 of the body>`, `X-MS-Certificate-Url`, `X-MS-Signature-Algorithm: rsa-sha256`). A customer
 * who accepts a partner's invitation announces `reseller-relationship-accepted-by-customer`.
 */
export function webhookRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    state: EmulatorState;
    key: SigningKey;
    now: () => number;
    baseUrl: () => string;
    caPem: string;
  },
) {
  const registrations = deps.store.collection("webhookRegistrations", Registration);
  const deliveries = deps.store.collection("webhookDeliveries", Delivery);

  const partnerOf = (req: FastifyRequest, reply: FastifyReply): string | null => {
    const auth = verifyBearer(req.headers.authorization, deps.key, [
      "https://api.partnercenter.microsoft.com",
      deps.baseUrl(),
    ]);
    if (auth.ok) return auth.claims.tid;
    void pcError(reply, 401, 900401, `Authentication failed: ${auth.message}`);
    return null;
  };
  const view = (r: z.infer<typeof Registration>) => ({
    SubscriberId: r.subscriberId,
    WebhookUrl: r.webhookUrl,
    WebhookEvents: r.webhookEvents,
  });

  function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const target = new URL(url);
    const send = target.protocol === "https:" ? https.request : http.request;
    return new Promise((resolve) => {
      const req = send(
        target,
        {
          method: "POST",
          headers,
          timeout: 10_000,
          ...(target.protocol === "https:" ? { ca: deps.caPem } : {}),
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(0));
      req.end(body);
    });
  }

  async function deliver(
    partnerTenantId: string,
    eventName: string,
    resourceUri: string,
    resourceName: string,
  ) {
    const r = registrations.find((x) => x.partnerTenantId === partnerTenantId);
    if (!r || !r.webhookEvents.includes(eventName)) return;
    const body = JSON.stringify({
      EventName: eventName,
      ResourceUri: resourceUri,
      ResourceName: resourceName,
      AuditUri: null,
      ResourceChangeUtcDate: new Date(deps.now()).toISOString(),
    });
    const headers = {
      "content-type": "application/json",
      authorization: `Signature ${deps.key.signBytes(Buffer.from(body))}`,
      "x-ms-certificate-url": `${deps.baseUrl()}/_emulator/webhook-certificate`,
      "x-ms-signature-algorithm": "rsa-sha256",
    };
    let status = 0;
    let attempts = 0;
    while (attempts < ATTEMPTS) {
      attempts++;
      status = await post(r.webhookUrl, body, headers);
      if (status >= 200 && status < 300) break;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempts));
    }
    deliveries.add({
      id: randomUUID(),
      partnerTenantId,
      eventName,
      url: r.webhookUrl,
      body,
      status,
      attempts,
      at: new Date(deps.now()).toISOString(),
    });
  }

  deps.state.onCustomerAdded((c: EmulatedCustomer) => {
    const event = c.origin === "invited" ? "reseller-relationship-accepted-by-customer" : "customer-created";
    void deliver(
      c.partnerTenantId,
      event,
      `https://api.partnercenter.microsoft.com/v1/customers/${c.id}`,
      "Customer",
    );
  });

  app.get("/webhooks/v1/registration/events", async (req, reply) =>
    partnerOf(req, reply) === null ? reply : [...EVENTS],
  );
  app.get("/webhooks/v1/registration", async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const r = registrations.find((x) => x.partnerTenantId === partner);
    return r ? view(r) : pcError(reply, 404, 1000, "No webhook is registered for this partner.");
  });
  for (const method of ["POST", "PUT"] as const)
    app.route<{ Body: unknown }>({
      method,
      url: "/webhooks/v1/registration",
      handler: async (req, reply) => {
        const partner = partnerOf(req, reply);
        if (partner === null) return reply;
        const parsed = RegistrationBody.safeParse(req.body);
        if (!parsed.success)
          return pcError(
            reply,
            400,
            3000,
            parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
          );
        const existing = registrations.find((x) => x.partnerTenantId === partner);
        if (method === "POST" && existing)
          return pcError(
            reply,
            409,
            2001,
            "A webhook is already registered: update it with PUT or delete it first.",
          );
        if (method === "PUT" && !existing)
          return pcError(
            reply,
            404,
            1000,
            "No webhook is registered for this partner: register it with POST.",
          );
        const next = {
          partnerTenantId: partner,
          subscriberId: existing?.subscriberId ?? randomUUID(),
          webhookUrl: parsed.data.WebhookUrl,
          webhookEvents: parsed.data.WebhookEvents,
        };
        registrations.upsert((x) => x.partnerTenantId === partner, next);
        return view(next);
      },
    });
  app.delete("/webhooks/v1/registration", async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    registrations.remove((x) => x.partnerTenantId === partner);
    return reply.code(204).send();
  });
  app.post("/webhooks/v1/registration/validationEvents", async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const correlationId = randomUUID();
    void deliver(
      partner,
      "test-created",
      `${deps.baseUrl()}/webhooks/v1/registration/validationEvents/${correlationId}`,
      "Test",
    );
    return { correlationId };
  });

  app.get("/_emulator/webhook-certificate", async (_req, reply) =>
    reply.type("application/x-pem-file").send(deps.key.publicKeyPem()),
  );
  app.get<{ Querystring: { event?: string } }>("/_emulator/webhook-deliveries", (req) =>
    Promise.resolve({
      value: deliveries.filter((d) => !req.query.event || d.eventName === req.query.event),
    }),
  );
}
