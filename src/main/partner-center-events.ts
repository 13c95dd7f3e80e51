import type { Onboarding } from "../modules/onboarding/index.ts";
import type { PartnerCenterEvents } from "../modules/partner-center-events/index.ts";
import type { Logger } from "../platform/log.ts";

/**
 * What Partner Center's `reseller-relationship-accepted-by-customer` wakes in onboarding: the migrations waiting
 * for that customer, which then re-read Partner Center. Answers how many runs it woke.
 */
export function resellerRelationshipAccepted(
  onboarding: Onboarding,
): (customerTenantId: string) => Promise<number> {
  return (customerTenantId) => onboarding.migrateTenant.acceptedByCustomer(customerTenantId);
}

/**
 * Registers `url` for Partner Center's events. A failure is logged and the product runs on: the migration still
 * recognises acceptance by polling Partner Center.
 */
export async function registerPartnerCenterEvents(
  events: PartnerCenterEvents,
  url: string,
  log: Logger,
): Promise<void> {
  try {
    const registered = await events.ensureRegistration(url);
    if (!registered.ok)
      log.warn(
        { code: registered.error.code, url },
        `Partner Center events are not registered: ${registered.error.message} Onboarding keeps polling Partner Center.`,
      );
    else if (registered.value.replacedUrl)
      log.warn(
        { url, replacedUrl: registered.value.replacedUrl },
        "Partner Center events now go to this URL instead of the one registered before (Partner Center keeps one per partner).",
      );
    else if (registered.value.changed) log.info({ url }, "Partner Center events registered");
  } catch (e) {
    log.warn(
      { err: e, url },
      "Registering for Partner Center events failed; onboarding keeps polling Partner Center.",
    );
  }
}
