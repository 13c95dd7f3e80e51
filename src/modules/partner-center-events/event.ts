import { z } from "zod";
import { err, ok, type Result } from "../../platform/result.ts";
import { partnerCenterEventsErrors } from "./errors.ts";

/** Partner Center's event when a customer accepts the partner's reseller relationship (B8.2). */
export const RESELLER_RELATIONSHIP_ACCEPTED = "reseller-relationship-accepted-by-customer";

/** Partner Center's event body (B8.2, partner-center-webhooks.md "Event model"); unknown fields are ignored. */
const EventShape = z.object({
  EventName: z.string().min(1).max(200),
  ResourceUri: z.string().max(2000),
  ResourceName: z.string().nullish(),
  AuditUri: z.string().nullish(),
  ResourceChangeUtcDate: z.string().nullish(),
});

export type PartnerCenterEvent = {
  readonly eventName: string;
  /** The customer the event is about, for events on a customer; lower case. */
  readonly customerTenantId: string | null;
};

const CUSTOMER_PATH = /^\/v1\/customers\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

/**
 * The customer id in a ResourceUri such as `https://api.partnercenter.microsoft.com/v1/customers/{id}`, or null.
 * Only the path is read: the id is all the event is trusted for.
 */
export function customerIdOf(resourceUri: string): string | null {
  let path: string;
  try {
    path = new URL(resourceUri).pathname;
  } catch {
    return null;
  }
  return CUSTOMER_PATH.exec(path)?.[1]?.toLowerCase() ?? null;
}

/** Reads a delivery's body, already verified, as an event; why not, when it is not one. */
export function parseEvent(
  rawBody: Uint8Array,
): Result<PartnerCenterEvent, ReturnType<typeof partnerCenterEventsErrors.malformed>> {
  const malformed = (why: string) => err(partnerCenterEventsErrors.malformed(why));
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody).toString("utf8"));
  } catch {
    return malformed("the body is not JSON");
  }
  const parsed = EventShape.safeParse(json);
  if (!parsed.success)
    return malformed(
      parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "),
    );
  const { EventName, ResourceUri } = parsed.data;
  const customerTenantId = customerIdOf(ResourceUri);
  if (EventName === RESELLER_RELATIONSHIP_ACCEPTED && !customerTenantId)
    return malformed(`ResourceUri names no customer (…/v1/customers/{id}): ${ResourceUri}`);
  return ok({ eventName: EventName, customerTenantId });
}
