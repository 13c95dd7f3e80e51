import { z } from "zod";
import type { EmulatorState } from "../state/emulator-state.ts";
import type { Store } from "../state/store.ts";
import { dayOf, monthOf, type Month } from "./billing-calendar.ts";
import { currencyOfCountry, knownCurrencies } from "./exchange-rates.ts";
import { seedOf } from "./seeded-random.ts";
import {
  arrivedUsage,
  azurePlanIdOf,
  type UsageResource,
  type UsageRow,
  type UsageSubject,
} from "./usage-model.ts";

/** Per-subscription overrides a seed scenario sets: first usage day, workload size, billing currency. */
const UsageProfile = z.object({
  subscriptionId: z.string(),
  usageSince: z.string().optional(),
  scale: z.number().int().min(1).optional(),
  currency: z.string().optional(),
});
export type UsageProfile = z.infer<typeof UsageProfile>;

/** An ARM resource as the billing side saw it: it meters from the day it was first seen until it was seen gone. */
const SeenResource = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  type: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()),
  vmSize: z.string().optional(),
  sinceDay: z.number().int(),
  untilDay: z.number().int().nullable(),
});

export const UsageProfileInput = z.object({
  usageSince: z.iso.date().optional(),
  scale: z.number().int().min(1).max(1000).optional(),
  currency: z.enum(knownCurrencies() as [string, ...string[]]).optional(),
});
export type UsageProfileInput = z.infer<typeof UsageProfileInput>;

const countryOf = (billingProfile: Record<string, unknown>): string => {
  const address = billingProfile["defaultAddress"];
  const country =
    typeof address === "object" && address !== null
      ? (address as Record<string, unknown>)["country"]
      : undefined;
  return typeof country === "string" ? country.toUpperCase() : "US";
};

/** The partner's Microsoft partner id (MPN id): seven digits, stable for the tenant. */
const mpnIdOf = (partnerTenantId: string) => String(1_000_000 + (seedOf("mpn", partnerTenantId) % 9_000_000));

/**
 * The usage world of the emulator: which subscriptions of which partner's customers meter usage, from when, and
 * their ARM resources. Reads the core state; keeps its own collections (`usageProfiles`, `usageResources`) and
 * hands the pure model (`usage-model.ts`) what it needs.
 */
export function openUsageWorld(deps: {
  store: Store;
  state: EmulatorState;
  now: () => number;
  /** The Azure plan an Azure subscription was ordered under (Partner Center's records), when it was ordered. */
  azurePlanOf?: (azureSubscriptionId: string) => string | undefined;
}) {
  const profiles = deps.store.collection("usageProfiles", UsageProfile);
  const seenResources = deps.store.collection("usageResources", SeenResource);
  const { state } = deps;

  /**
   * Notes resources created or deleted in ARM since the last look. A resource meters from the day it is first
   * seen, so creating one never rewrites days that have already been reported or billed.
   */
  function observeResources(subscriptionId: string, today: number): UsageResource[] {
    const current = state.resourcesUnder(`/subscriptions/${subscriptionId}/`);
    const ids = new Set(current.map((r) => r.id.toLowerCase()));
    for (const r of current) {
      if (seenResources.find((s) => s.id.toLowerCase() === r.id.toLowerCase() && s.untilDay === null))
        continue;
      const hardware = r.properties["hardwareProfile"];
      const vmSize =
        typeof hardware === "object" && hardware !== null
          ? (hardware as Record<string, unknown>)["vmSize"]
          : undefined;
      seenResources.add({
        id: r.id,
        subscriptionId,
        type: r.type,
        location: r.location,
        tags: r.tags,
        ...(typeof vmSize === "string" ? { vmSize } : {}),
        sinceDay: today,
        untilDay: null,
      });
    }
    for (const gone of seenResources.filter(
      (s) => s.subscriptionId === subscriptionId && s.untilDay === null && !ids.has(s.id.toLowerCase()),
    ))
      seenResources.update(
        (s) => s === gone,
        (s) => ({ ...s, untilDay: today }),
      );
    return seenResources.filter((s) => s.subscriptionId === subscriptionId);
  }

  /** The subscriptions that meter usage for the partner, in key order (customer, then subscription). */
  function subjectsOf(partnerTenantId: string): UsageSubject[] {
    const today = dayOf(deps.now());
    const partner = {
      tenantId: partnerTenantId,
      name: state.tenant(partnerTenantId)?.displayName ?? partnerTenantId,
      mpnId: mpnIdOf(partnerTenantId),
    };
    const subjects: UsageSubject[] = [];
    for (const customer of state.customersOf(partnerTenantId)) {
      const country = countryOf(customer.billingProfile);
      // Only subscriptions under the customer's Azure plan are billed through the partner (daily rated usage);
      // pay-as-you-go, Enterprise Agreement and MSDN subscriptions bill the customer directly.
      for (const sub of state.subscriptionsOf(customer.id).filter((x) => x.offer === "AzurePlan")) {
        const profile = profiles.find((p) => p.subscriptionId === sub.subscriptionId);
        const since = profile?.usageSince ?? customer.createdAt.slice(0, 10);
        subjects.push({
          partner,
          customer: {
            tenantId: customer.id,
            companyName: customer.companyName,
            domain: customer.domain,
            country,
          },
          subscription: { id: sub.subscriptionId, displayName: sub.displayName },
          azurePlanId: deps.azurePlanOf?.(sub.subscriptionId) ?? azurePlanIdOf(customer.id),
          sinceDay: dayOf(Date.parse(`${since}T00:00:00Z`)),
          scale: profile?.scale ?? 1,
          billingCurrency: profile?.currency ?? currencyOfCountry(country),
          resources: observeResources(sub.subscriptionId, today),
        });
      }
    }
    const order = (s: UsageSubject) => `${s.customer.tenantId}|${s.subscription.id}`;
    return subjects.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  }

  return {
    /** Sets a subscription's usage start day ("YYYY-MM-DD"), workload size or billing currency. */
    setProfile(subscriptionId: string, input: UsageProfileInput): UsageProfile {
      const id = subscriptionId.toLowerCase();
      const existing = profiles.find((p) => p.subscriptionId === id);
      const next = { ...existing, ...input, subscriptionId: id };
      profiles.upsert((p) => p.subscriptionId === id, next);
      return next;
    },
    subjectsOf,
    /**
     * The partner's rows of a billing month that have arrived by `asOfMs`, in key order; optionally only those
     * billed in one currency, and only those after a row's key (a page's seek position: subscriptions and days
     * before it are skipped, not generated).
     */
    *arrivedRows(
      partnerTenantId: string,
      month: Month,
      asOfMs: number,
      filter: { currency?: string; after?: string } = {},
    ): Generator<UsageRow> {
      const after = filter.after ?? "";
      const [afterCustomer = "", afterSubscription = "", afterDay = ""] = after.split("|");
      const afterSubject = after ? `${afterCustomer}|${afterSubscription}` : "";
      for (const subject of subjectsOf(partnerTenantId)) {
        if (filter.currency !== undefined && subject.billingCurrency !== filter.currency) continue;
        const order = `${subject.customer.tenantId}|${subject.subscription.id}`;
        if (order < afterSubject) continue;
        const fromDay =
          order === afterSubject && afterDay ? dayOf(Date.parse(`${afterDay}T00:00:00Z`)) : undefined;
        for (const row of arrivedUsage(subject, month, asOfMs, fromDay)) if (row.key > after) yield row;
      }
    },
    /** The first month any of the partner's subscriptions meters usage, or null when none does. */
    firstUsageMonth(partnerTenantId: string): Month | null {
      const days = subjectsOf(partnerTenantId).map((s) => s.sinceDay);
      return days.length ? monthOf(Math.min(...days)) : null;
    },
  };
}

export type UsageWorld = ReturnType<typeof openUsageWorld>;
