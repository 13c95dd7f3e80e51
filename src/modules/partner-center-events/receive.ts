import { err, ok, type Result } from "../../platform/result.ts";
import { createCertificateKeys, allowedCertificateUrl } from "./certificate-keys.ts";
import type { PartnerCenterEventsDeps } from "./deps.ts";
import { partnerCenterEventsErrors, type PartnerCenterEventsError } from "./errors.ts";
import { parseEvent, RESELLER_RELATIONSHIP_ACCEPTED } from "./event.ts";
import { signatureClaim, signatureHolds, type DeliveryHeaders } from "./signature.ts";

export type Delivery = {
  readonly headers: DeliveryHeaders;
  /** The body exactly as it arrived: the signature covers these bytes. */
  readonly rawBody: Uint8Array;
  /** The HTTP request's id, kept on the audit record. */
  readonly requestId?: string | null;
};

export type Received = {
  readonly eventName: string;
  /** The customer the event named, for the events acted on. */
  readonly customerTenantId: string | null;
  /** False for events Partner Cloud does not act on: accepted and ignored. */
  readonly handled: boolean;
};

/**
 * Receives one delivery: checks its signature against Partner Center's certificate, then acts on the events it
 * knows. Of the body only the event name and the customer id are used; whoever is told re-reads Partner Center.
 */
export function createReceiver(deps: PartnerCenterEventsDeps) {
  const keys = deps.partnerCenter
    ? createCertificateKeys({ partnerCenter: deps.partnerCenter, clock: deps.clock })
    : null;

  async function verified(delivery: Delivery): Promise<Result<true, PartnerCenterEventsError>> {
    const claim = signatureClaim(delivery.headers);
    if (!claim.ok) return claim;
    if (!keys) return err(partnerCenterEventsErrors.notConnected());
    const url = allowedCertificateUrl(claim.value.certificateUrl, keys.allowedOrigins);
    if (!url.ok) return url;
    const key = await keys.keyAt(url.value);
    if (!key.ok) return key;
    if (signatureHolds(key.value, delivery.rawBody, claim.value.signature)) return ok(true);
    // Microsoft renews its certificate behind the same link: a key kept from before may no longer match.
    const renewed = await keys.renewedKeyAt(url.value);
    if (renewed?.ok && signatureHolds(renewed.value, delivery.rawBody, claim.value.signature))
      return ok(true);
    return err(partnerCenterEventsErrors.signatureInvalid());
  }

  return async function receive(delivery: Delivery): Promise<Result<Received, PartnerCenterEventsError>> {
    const checked = await verified(delivery);
    if (!checked.ok) return checked;
    const event = parseEvent(delivery.rawBody);
    if (!event.ok) return event;
    const { eventName, customerTenantId } = event.value;
    const handled = eventName === RESELLER_RELATIONSHIP_ACCEPTED && customerTenantId !== null;
    const woken = handled ? await deps.onResellerRelationshipAccepted(customerTenantId) : 0;
    await deps.db.transaction((tx) =>
      deps.audit.record(
        tx,
        { userId: null, email: null, kind: "system", requestId: delivery.requestId ?? null },
        {
          orgId: null,
          action: "partner_center.event_received",
          targetType: handled ? "customer_tenant" : "partner_center_event",
          targetId: handled ? customerTenantId : null,
          details: { eventName, handled, runsWoken: woken },
        },
      ),
    );
    deps.log?.info(
      { eventName, customerTenantId, handled, runsWoken: woken },
      "Partner Center event received",
    );
    return ok({ eventName, customerTenantId: handled ? customerTenantId : null, handled });
  };
}
