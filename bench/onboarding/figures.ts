import type { RunningEmulator } from "../../src/emulator/index.ts";
import type { SentRequest, TimeLedger } from "./time-ledger.ts";

const round = (x: number) => Number(x.toFixed(1));

/** The value at quantile `q` (0..1) of `values`, nearest rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** The most requests that started within any `windowMs` (a sliding window over their start times). */
export function peakInWindow(requests: readonly SentRequest[], windowMs: number): number {
  const starts = requests.map((r) => r.startedAt).sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < starts.length; last++) {
    while ((starts[last] ?? 0) - (starts[first] ?? 0) >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

/**
 * The Partner Center resource whose published limit a request counts against (B4), as the emulator sorts them:
 * the Customer resource, the Subscription resource, or none (domains, addresses, products, agreement templates).
 */
export function limitedResource(path: string): "customer" | "subscription" | null {
  if (!path.startsWith("/v1/customers")) return null;
  return path.includes("/subscriptions") ? "subscription" : "customer";
}

export type Duplicates = {
  /** Organizations with more than one customer tenant in Partner Center. */
  customersPerOrg: number;
  /** Providers whose customer tenant holds more than one Azure subscription. */
  subscriptionsPerProvider: number;
  /** Subscriptions with more than one role assignment, or more than one policy assignment. */
  roleAssignmentsPerSubscription: number;
  policyAssignmentsPerSubscription: number;
};

/**
 * Upstream effects made twice, read from the emulator's world: each organization has its own company name and
 * exactly one new-customer provider, so anything beyond one customer, one subscription and one assignment of each
 * kind per subscription is an effect repeated.
 */
export function duplicatesIn(
  emu: RunningEmulator,
  partnerTenantId: string,
  companyNames: readonly string[],
): Duplicates {
  const wanted = new Set(companyNames);
  const customers = emu.state.customersOf(partnerTenantId).filter((c) => wanted.has(c.companyName));
  const perCompany = new Map<string, number>();
  for (const c of customers) perCompany.set(c.companyName, (perCompany.get(c.companyName) ?? 0) + 1);
  const found: Duplicates = {
    customersPerOrg: [...perCompany.values()].filter((n) => n > 1).length,
    subscriptionsPerProvider: 0,
    roleAssignmentsPerSubscription: 0,
    policyAssignmentsPerSubscription: 0,
  };
  for (const c of customers) {
    const subscriptions = emu.state.subscriptionsOf(c.id);
    if (subscriptions.length > 1) found.subscriptionsPerProvider++;
    for (const s of subscriptions) {
      const scope = `/subscriptions/${s.subscriptionId}`;
      if (emu.state.roleAssignmentsUnder(scope).length > 1) found.roleAssignmentsPerSubscription++;
      if (emu.state.policyAssignmentsAt(scope).length > 1) found.policyAssignmentsPerSubscription++;
    }
  }
  return found;
}

/** Per adapter: requests sent, the milliseconds they took in all, and how many were answered 429. */
export function upstreamByService(sent: readonly SentRequest[]) {
  const by: Record<string, { requests: number; ms: number; status429: number }> = {};
  for (const r of sent) {
    const s = (by[r.service] ??= { requests: 0, ms: 0, status429: 0 });
    s.requests++;
    s.ms += r.ms;
    if (r.status === 429) s.status429++;
  }
  for (const s of Object.values(by)) s.ms = round(s.ms);
  return by;
}

/** Per workflow step: executions, their time in all and the part of it spent waiting for upstreams. */
export function stepBreakdown(ledger: TimeLedger) {
  const by: Record<string, { executions: number; activeMs: number; upstreamMs: number }> = {};
  for (const [stepId, s] of ledger.steps)
    by[stepId] = { executions: s.executions, activeMs: round(s.activeMs), upstreamMs: round(s.upstreamMs) };
  return by;
}
