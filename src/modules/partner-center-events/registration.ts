import { err, ok, type Result } from "../../platform/result.ts";
import type { PartnerCenterEventsDeps } from "./deps.ts";
import { partnerCenterEventsErrors, type RegistrationError } from "./errors.ts";
import { RESELLER_RELATIONSHIP_ACCEPTED } from "./event.ts";

export type Registered = {
  /** False when Partner Center already sent that event to that URL. */
  readonly changed: boolean;
  /** The URL Partner Center sent events to before, when it was another one: only one is kept per partner. */
  readonly replacedUrl: string | null;
};

/**
 * Makes Partner Center send `reseller-relationship-accepted-by-customer` to `url`, keeping whatever other events
 * the registration already asked for. Registering what is registered changes nothing.
 */
export function createRegistration(deps: PartnerCenterEventsDeps) {
  return async function ensureRegistration(url: string): Promise<Result<Registered, RegistrationError>> {
    if (!deps.partnerCenter) return err(partnerCenterEventsErrors.notConnected());
    const api = deps.partnerCenter.api;
    const current = await api.webhookRegistration();
    if (!current.ok) return current;
    const existing = current.value;
    if (existing?.url === url && existing.events.includes(RESELLER_RELATIONSHIP_ACCEPTED))
      return ok({ changed: false, replacedUrl: null });
    const events = [...new Set([...(existing?.events ?? []), RESELLER_RELATIONSHIP_ACCEPTED])];
    const saved = await api.registerWebhook({ url, events });
    if (!saved.ok) return saved;
    return ok({ changed: true, replacedUrl: existing && existing.url !== url ? existing.url : null });
  };
}
