import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { openEmulatorState } from "../state/emulator-state.ts";
import { openStore } from "../state/store.ts";
import { exactJson } from "./exact-json.ts";
import { openUsageWorld } from "./usage-world.ts";

const DAY_MS = 86_400_000;

function world(startMs: number) {
  let now = startMs;
  const store = openStore(mkdtempSync(path.join(os.tmpdir(), "usage-world-")));
  const state = openEmulatorState(store, () => now);
  const usage = openUsageWorld({ store, state, now: () => now });
  const partner = state.addTenant({ domain: "partner.onmicrosoft.com", displayName: "Partner" });
  const addCustomer = (domain: string, country: string) => {
    const tenant = state.addTenant({ domain, displayName: domain });
    state.addCustomer({
      id: tenant.id,
      commerceId: randomUUID(),
      partnerTenantId: partner.id,
      companyName: domain,
      domain,
      billingProfile: { defaultAddress: { country } },
      relationshipToPartner: "reseller",
      createdAt: new Date(startMs).toISOString(),
    });
    return state.addSubscription({ tenantId: tenant.id, displayName: `${domain} sub` });
  };
  return { state, usage, partner, addCustomer, advanceDays: (n: number) => (now += n * DAY_MS) };
}

void describe("the usage world", () => {
  void test("a customer's subscription meters from the customer's creation day, billed in its country's currency", () => {
    const w = world(Date.UTC(2025, 2, 10, 9));
    const sub = w.addCustomer("fabrikam.onmicrosoft.com", "DE");
    w.advanceDays(5);
    const rows = [...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 15, 9))];
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.entitlementId === sub.subscriptionId && r.billingCurrency === "EUR"));
    assert.equal(rows.map((r) => r.usageDate).sort()[0], "2025-03-10T00:00:00Z");
  });

  void test("a profile moves the start day, scales the workload and overrides the currency", () => {
    const w = world(Date.UTC(2025, 2, 10, 9));
    const sub = w.addCustomer("tailspin.onmicrosoft.com", "US");
    w.usage.setProfile(sub.subscriptionId, { usageSince: "2025-03-01", scale: 3, currency: "GBP" });
    const rows = [...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 10, 9))];
    assert.equal(rows.map((r) => r.usageDate).sort()[0], "2025-03-01T00:00:00Z");
    assert.ok(rows.every((r) => r.billingCurrency === "GBP"));
    const compute = rows.find(
      (r) => r.meterCategory === "Virtual Machines" && r.usageDate === "2025-03-05T00:00:00Z",
    );
    assert.ok(compute);
    assert.ok(Number(compute.quantity.units) > 24_000_000, "three VMs run more than 24 hours a day together");
  });

  void test("a resource created in ARM meters from the day it is first seen, so earlier days never change", () => {
    const w = world(Date.UTC(2025, 2, 1, 9));
    const sub = w.addCustomer("contoso.onmicrosoft.com", "US");
    w.advanceDays(10);
    const before = exactJson([...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 11, 9))]);
    const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/stdata`;
    w.state.putResource({
      id,
      name: "stdata",
      type: "Microsoft.Storage/storageAccounts",
      location: "eastus",
      tags: {},
      properties: {},
    });
    const sameDay = exactJson([...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 11, 9))]);
    assert.equal(sameDay, before);
    w.advanceDays(3);
    const later = [...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 14, 9))];
    const ofResource = later.filter((r) => r.resourceUri === id);
    assert.deepEqual([...new Set(ofResource.map((r) => r.meterName))].sort(), [
      "Hot LRS Data Stored",
      "Hot LRS Write Operations",
    ]);
    assert.ok(ofResource.every((r) => r.usageDate >= "2025-03-11T00:00:00Z"));
    w.state.deleteResource(id);
    w.advanceDays(1);
    w.usage.subjectsOf(w.partner.id);
    w.advanceDays(5);
    const afterDelete = [...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 20, 9))];
    assert.ok(
      afterDelete.filter((r) => r.resourceUri === id).every((r) => r.usageDate < "2025-03-15T00:00:00Z"),
    );
  });

  void test("a subscription the customer pays directly (pay-as-you-go) meters nothing for the partner", () => {
    const w = world(Date.UTC(2025, 2, 1, 9));
    const plan = w.addCustomer("mixed.onmicrosoft.com", "US");
    const direct = w.state.addSubscription({
      tenantId: plan.tenantId,
      displayName: "Direct",
      offer: "PayAsYouGo",
    });
    w.advanceDays(3);
    const rows = [...w.usage.arrivedRows(w.partner.id, "2025-03", Date.UTC(2025, 2, 4, 9))];
    assert.ok(rows.some((r) => r.entitlementId === plan.subscriptionId));
    assert.ok(rows.every((r) => r.entitlementId !== direct.subscriptionId));
  });

  void test("only the partner's own customers meter usage for it", () => {
    const w = world(Date.UTC(2025, 2, 1, 9));
    w.addCustomer("ours.onmicrosoft.com", "US");
    const other = w.state.addTenant({ domain: "other.onmicrosoft.com", displayName: "Other" });
    w.advanceDays(3);
    assert.equal([...w.usage.arrivedRows(other.id, "2025-03", Date.UTC(2025, 2, 4, 9))].length, 0);
    assert.equal(w.usage.firstUsageMonth(other.id), null);
    assert.equal(w.usage.firstUsageMonth(w.partner.id), "2025-03");
  });
});
