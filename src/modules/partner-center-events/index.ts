import type { PartnerCenterEventsDeps } from "./deps.ts";
import { createReceiver } from "./receive.ts";
import { createRegistration } from "./registration.ts";

/**
 * Partner Center's events as a faster signal than polling: the signed deliveries Partner Center POSTs to the
 * partner's registered URL, checked and turned into a call of `onResellerRelationshipAccepted`, and the
 * registration of that URL.
 */
export function createPartnerCenterEvents(deps: PartnerCenterEventsDeps) {
  return {
    /** One delivery: its signature checked against Partner Center's certificate, then acted on or ignored. */
    receive: createReceiver(deps),
    /** Registers `url` for the reseller relationship's acceptance, unless it already is. */
    ensureRegistration: createRegistration(deps),
  };
}

export type PartnerCenterEvents = ReturnType<typeof createPartnerCenterEvents>;
export type { ConnectedPartnerCenter, PartnerCenterEventsDeps } from "./deps.ts";
export type { PartnerCenterEventsError, RegistrationError } from "./errors.ts";
export { RESELLER_RELATIONSHIP_ACCEPTED } from "./event.ts";
export { MICROSOFT_CERTIFICATE_ORIGIN } from "./certificate-keys.ts";
export type { Delivery, Received } from "./receive.ts";
export type { Registered } from "./registration.ts";
