import { z } from "zod";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { ApiDeps, App } from "../context.ts";
import { respond } from "../respond.ts";
import { ErrorSchema, errorResponses } from "../schemas.ts";

export const PARTNER_CENTER_EVENTS_PATH = "/api/v1/partner-center/events";

const ReceivedSchema = z.object({
  eventName: z.string().describe("Partner Center's EventName"),
  customerTenantId: z
    .string()
    .nullable()
    .describe("The customer the event is about, when Partner Cloud acted on it"),
  handled: z.boolean().describe("False for events Partner Cloud does not act on: accepted and ignored"),
});

/**
 * Where Partner Center POSTs its events (microsoft-apis.md §B8.2). Microsoft calls it: no session, no API token,
 * no CSRF token; the delivery's signature is its authentication. The signature covers the body's bytes, so this
 * route alone keeps the body raw: its content-type parsers live in their own plugin scope and every other route
 * keeps the API's JSON parser.
 */
export async function partnerCenterEventRoutes(app: App, deps: ApiDeps): Promise<void> {
  await app.register((plain, _options, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));

    scope.post(
      PARTNER_CENTER_EVENTS_PATH,
      {
        config: { auth: "public" },
        schema: {
          operationId: "receivePartnerCenterEvent",
          tags: ["partner-center"],
          summary: "Partner Center's event deliveries (called by Microsoft)",
          description:
            "Partner Center POSTs `{ EventName, ResourceUri, ResourceName, AuditUri, ResourceChangeUtcDate }` " +
            "signed with `Authorization: Signature <base64 RSA-SHA256 of the raw body>`, `X-MS-Certificate-Url` " +
            "and `X-MS-Signature-Algorithm: rsa-sha256`. The certificate is fetched only from Partner Center's " +
            "origin or Microsoft's certificate host. The body is read only once the signature holds. " +
            "`reseller-relationship-accepted-by-customer` wakes the migration waiting for that customer, which " +
            "re-reads Partner Center; other events are accepted and ignored. 401 " +
            "(partner_center_event_unsigned, partner_center_event_certificate_refused, " +
            "partner_center_event_signature_invalid) when the delivery is not Partner Center's; 503 " +
            "(partner_center_certificate_unavailable, microsoft_not_connected) when it cannot be checked now.",
          response: { 200: ReceivedSchema, ...errorResponses, 503: ErrorSchema },
        },
      },
      async (req, reply) =>
        respond(
          req,
          reply,
          await deps.partnerCenterEvents.receive({
            headers: req.headers,
            rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
            requestId: req.id,
          }),
        ),
    );
    done();
  });
}
