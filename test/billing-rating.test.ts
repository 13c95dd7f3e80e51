import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { after, before, describe, test } from "node:test";
import {
  add as addExact,
  createPricePlan,
  createRating,
  decimal,
  formatDecimal,
  normalize as normalized,
  parseDecimal,
  roundToMinorUnit,
  type UsageLine,
} from "../src/modules/billing/engine/index.ts";
import { invoiceTotal } from "../src/modules/billing/pricing/index.ts";
import { BillingRatingFailure, type RatedMonth } from "../src/modules/billing/rating/index.ts";
import { billingAccounts as billingAccountsTable } from "../src/modules/billing-accounts/tables.ts";
import { pricePlans, usageSnapshots } from "../src/modules/billing/tables.ts";
import type { Db } from "../src/platform/db/types.ts";
import { seededRandom } from "../src/platform/seeded-random.ts";
import {
  addManagedSubscription,
  addTestProvider,
  connectTestAccount,
  putSnapshot,
  setMonthState,
} from "./support/billing-usage-rows.ts";
import { backends } from "./support/databases.ts";
import { createHarness, must, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

const text = (d: { units: bigint; scale: number }) => formatDecimal(d);
const tenant = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;
const sub = (n: number) => `11111111-0000-0000-0000-${String(n).padStart(12, "0")}`;
const vm = { meterCategory: "Virtual Machines", effectiveUnitPrice: "0.085", pricingCurrency: "USD" };

for (const backend of backends()) {
  void describe(`billing rating on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let db: Db;

    before(async () => {
      h = await createHarness(await backend.open());
      w = await createWorld(h);
      db = h.database.db;
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    const rating = () => h.modules.billingRating;
    const rate = async (billingAccountId: string, month: string) =>
      must(await rating().rateMonth({ billingAccountId, month }));

    void test("usage goes to the operator's assignment first, then a provider's subscription, a managed subscription, and the oldest provider of the tenant", async () => {
      const [a1, a2, a3, a4, a5, a6] = await Promise.all(
        ["RA1", "RA2", "RA3", "RA4", "RA5", "RA6"].map((alias) =>
          connectTestAccount(db, { orgId: w.orgA.id, alias, country: "US" }),
        ),
      );
      const orgId = w.orgA.id;
      await addTestProvider(db, { orgId, billingAccountId: a1 ?? "", subscriptionId: sub(1) });
      const managedBy = await addTestProvider(db, { orgId, billingAccountId: a2 ?? "" });
      await addManagedSubscription(db, {
        providerId: managedBy,
        orgId,
        tenantId: tenant(1),
        subscriptionId: sub(2),
      });
      await addTestProvider(db, {
        orgId,
        billingAccountId: a3 ?? "",
        tenantId: tenant(1).toUpperCase(),
        createdAt: new Date("2025-01-01T00:00:00Z"),
      });
      await addTestProvider(db, { orgId, billingAccountId: a4 ?? "", tenantId: tenant(1) });
      await addTestProvider(db, { orgId, billingAccountId: a6 ?? "", subscriptionId: sub(3), removed: true });
      await addTestProvider(db, { orgId, billingAccountId: null, subscriptionId: sub(4) });
      await addTestProvider(db, { orgId, billingAccountId: a1 ?? "", subscriptionId: sub(5) });
      must(await rating().assignUsage(w.operator, tenant(2), a5 ?? ""));

      const routed = async (customer: string, subscription: string) =>
        (await rating().routeOf(customer, subscription))?.billingAccountId ?? null;
      assert.equal(await routed(tenant(1), sub(1)), a1, "a provider's own subscription");
      assert.equal(await routed(tenant(1), sub(2)), a2, "a subscription onboarding manages");
      assert.equal(
        await routed(tenant(1), sub(3)),
        a3,
        "the oldest provider of the tenant; the removed one is ignored",
      );
      assert.equal(await routed(tenant(1), sub(4)), a3, "a provider Microsoft bills does not take usage");
      assert.equal(await routed(tenant(2), sub(5)), a5, "the operator's assignment beats the provider");
      assert.equal(await routed(tenant(3), sub(9)), null);
      const route = await rating().routeOf(tenant(2), sub(5));
      assert.deepEqual(route, {
        billingAccountId: a5,
        orgId,
        costCenterId: null,
        alias: "RA5",
        currency: "USD",
      });
    });

    void test("assigning usage is for operators, to a connected account", async () => {
      const account = await connectTestAccount(db, { orgId: w.orgA.id, alias: "RB1", country: "US" });
      const admin = await h.callerFor(w.ids.orgAdmin);
      const refused = await rating().assignUsage(admin, tenant(40), account);
      assert.equal(refused.ok ? "ok" : refused.error.code, "forbidden");
      const unknown = await rating().assignUsage(w.operator, tenant(40), "ba_nosuchaccount");
      assert.equal(unknown.ok ? "ok" : unknown.error.code, "billing_account_not_found");
    });

    void test("a day is rated at list price times rate times the markup, its current version only, and the month is final when every customer's is", async () => {
      const account = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RC1", country: "US" });
      must(await rating().assignUsage(w.operator, tenant(10), account));
      await db.insert(pricePlans).values({
        id: "pp_testb1",
        orgId: w.orgB.id,
        effectiveFrom: "2026-01",
        markupPercent: "12.5",
        categoryMarkups: {},
        createdBy: "usr_test",
        createdAt: new Date("2025-12-01T00:00:00Z"),
      });
      const day = { customerId: tenant(10), usageDate: "2026-10-03" };
      await putSnapshot(db, day, [
        {
          ...vm,
          entitlementId: sub(10),
          quantity: "3",
          unitPrice: "0.1",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
      ]);
      const second = await putSnapshot(db, day, [
        {
          ...vm,
          entitlementId: sub(10),
          quantity: "24",
          unitPrice: "0.0209951014286867",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
        {
          ...vm,
          meterCategory: "Storage",
          entitlementId: sub(10),
          quantity: "1.5",
          unitPrice: "0.02",
          effectiveUnitPrice: "0.017",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
      ]);
      const rated = await rate(account, "2026-10");
      assert.equal(rated.days.length, 1);
      const [d] = rated.days;
      assert.ok(d);
      assert.equal(d.snapshotId, second, "the highest version is the current one");
      assert.equal(d.rowCount, 2);
      // 24 × 0.0209951014286867 = 0.5038824342884808; + 1.5 × 0.02 = 0.03
      assert.equal(text(d.listPrice), "0.5338824342884808");
      assert.equal(text(d.customerPrice), "0.6006177385745409");
      assert.equal(text(d.partnerCost), "2.0655");
      assert.deepEqual(rated.plan, { effectiveFrom: "2026-01", markupPercent: "12.5", categoryMarkups: {} });
      assert.deepEqual(d.exchangeRates, [
        { from: "USD", to: "USD", rate: "1", source: "microsoft", date: "2026-10-01" },
      ]);
      assert.equal(rated.final, false);
      await setMonthState(db, tenant(10), "2026-10", "final");
      assert.equal((await rate(account, "2026-10")).final, true);
    });

    void test("a plan effective next month does not change this month, and a meter category's own markup applies to it", async () => {
      const account = await connectTestAccount(db, { orgId: w.orgA.id, alias: "RD1", country: "US" });
      must(await rating().assignUsage(w.operator, tenant(20), account));
      await db.insert(pricePlans).values({
        id: "pp_testa1",
        orgId: w.orgA.id,
        effectiveFrom: "2026-06",
        markupPercent: "10",
        categoryMarkups: { "Virtual Machines": "5" },
        createdBy: "usr_test",
        createdAt: new Date("2026-05-01T00:00:00Z"),
      });
      must(
        await h.modules.billingPricing.plans.create(w.operator, w.orgA.id, {
          effectiveFrom: "2026-12",
          markupPercent: "-7.25",
        }),
      );
      const rows = [
        {
          ...vm,
          entitlementId: sub(20),
          quantity: "10",
          unitPrice: "1",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
        {
          ...vm,
          meterCategory: "SQL Database",
          entitlementId: sub(20),
          quantity: "10",
          unitPrice: "1",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
      ];
      await putSnapshot(db, { customerId: tenant(20), usageDate: "2026-11-15" }, rows);
      await putSnapshot(db, { customerId: tenant(20), usageDate: "2026-12-01" }, rows);
      const november = await rate(account, "2026-11");
      assert.equal(november.plan.effectiveFrom, "2026-06");
      const [nov] = november.days;
      assert.equal(text(nov?.customerPrice ?? decimal("0")), "21.5", "VMs at 5 %, SQL at 10 %");
      assert.equal(text(nov?.customerPriceByClass.iaas ?? decimal("0")), "10.5");
      assert.equal(text(nov?.customerPriceByClass.saas ?? decimal("0")), "11");
      const december = await rate(account, "2026-12");
      assert.equal(december.plan.effectiveFrom, "2026-12");
      assert.equal(text(december.days[0]?.customerPrice ?? decimal("0")), "18.55", "20 at -7.25 %");
      const proposed = must(
        await rating().rateMonth({
          billingAccountId: account,
          month: "2026-11",
          plan: { markupPercent: "0", categoryMarkups: { " virtual   MACHINES ": "100" } },
        }),
      );
      assert.equal(text(proposed.days[0]?.customerPrice ?? decimal("0")), "30");
      const bad = await rating().rateMonth({
        billingAccountId: account,
        month: "2026-11",
        plan: { markupPercent: "-100.5" },
      });
      assert.equal(bad.ok ? "ok" : bad.error.code, "price_plan_invalid");
    });

    void test("the partner's rate overrides Microsoft's, a missing rate is named, and yen invoices round to whole yen", async () => {
      const gb = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RE1", country: "GB" });
      const de = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RE2", country: "DE" });
      const jp = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RE3", country: "JP" });
      must(await rating().assignUsage(w.operator, tenant(30), gb));
      must(await rating().assignUsage(w.operator, tenant(31), de));
      must(await rating().assignUsage(w.operator, tenant(32), jp));
      const gbp = {
        ...vm,
        entitlementId: sub(30),
        quantity: "100",
        unitPrice: "0.1",
        billingCurrency: "GBP",
        pcToBCExchangeRate: "0.79",
        pcToBCExchangeRateDate: "2026-08-31",
      };
      await putSnapshot(db, { customerId: tenant(30), usageDate: "2026-09-10" }, [gbp]);
      const byMicrosoft = await rate(gb, "2026-09");
      assert.equal(text(byMicrosoft.days[0]?.listPrice ?? decimal("0")), "7.9");
      assert.deepEqual(byMicrosoft.days[0]?.exchangeRates, [
        { from: "USD", to: "GBP", rate: "0.79", source: "microsoft", date: "2026-08-31" },
      ]);
      const pricing = h.modules.billingPricing;
      must(await pricing.exchangeRates.set(w.operator, { from: "USD", to: "GBP", month: "2026-09" }, "0.8"));
      const byPartner = await rate(gb, "2026-09");
      assert.equal(text(byPartner.days[0]?.listPrice ?? decimal("0")), "8");
      assert.equal(text(byPartner.days[0]?.partnerCost ?? decimal("0")), "6.8");
      assert.deepEqual(byPartner.days[0]?.exchangeRates, [
        { from: "USD", to: "GBP", rate: "0.8", source: "partner", date: "2026-09-01" },
      ]);

      // Microsoft billed this customer in US dollars; the billing account invoices in euros.
      await putSnapshot(db, { customerId: tenant(31), usageDate: "2026-09-11" }, [
        { ...gbp, entitlementId: sub(31), billingCurrency: "USD", pcToBCExchangeRate: "1" },
      ]);
      const missing = await rating().rateMonth({ billingAccountId: de, month: "2026-09" });
      assert.equal(missing.ok, false);
      if (!missing.ok) {
        assert.equal(missing.error.code, "exchange_rate_missing");
        assert.deepEqual(missing.error.details, { from: "USD", to: "EUR", month: "2026-09" });
        assert.match(missing.error.message, /Billing → Exchange rates/);
      }
      const gbDays = (await rate(gb, "2026-09")).days.map((d) => d.snapshotId);
      for await (const row of rating().rateSnapshots({
        billingAccountId: de,
        snapshotIds: gbDays,
        month: "2026-09",
      }))
        assert.fail(`a row of another account's usage: ${row.row.customerId}`);
      const deDays = (
        await db
          .select({ id: usageSnapshots.id })
          .from(usageSnapshots)
          .where(eq(usageSnapshots.customerId, tenant(31)))
      ).map((r) => r.id);
      await assert.rejects(
        async () => {
          for await (const row of rating().rateSnapshots({
            billingAccountId: de,
            snapshotIds: deDays,
            month: "2026-09",
          }))
            assert.fail(`rated without a rate: ${row.row.customerId}`);
        },
        (e: unknown) => e instanceof BillingRatingFailure && e.error.code === "exchange_rate_missing",
      );
      must(await pricing.exchangeRates.set(w.operator, { from: "USD", to: "EUR", month: "2026-09" }, "0.92"));
      assert.equal(text((await rate(de, "2026-09")).days[0]?.listPrice ?? decimal("0")), "9.2");

      await putSnapshot(db, { customerId: tenant(32), usageDate: "2026-09-12" }, [
        {
          ...vm,
          entitlementId: sub(32),
          quantity: "7",
          unitPrice: "0.0209951014286867",
          billingCurrency: "JPY",
          pcToBCExchangeRate: "149.8705",
        },
        {
          ...vm,
          entitlementId: sub(32),
          quantity: "3.333333",
          unitPrice: "1.2799888920023",
          billingCurrency: "JPY",
          pcToBCExchangeRate: "149.8705",
        },
      ]);
      const yen = await rate(jp, "2026-09");
      assert.equal(yen.route.currency, "JPY");
      // (7 × 0.0209951014286867 + 3.333333 × 1.2799888920023) × 149.8705 = 661.4676…, × 1.125 (the plan) = 744.15…
      assert.equal(text(yen.days[0]?.customerPrice ?? decimal("0")).slice(0, 10), "744.151137");
      assert.equal(text(invoiceTotal(yen, false)), "744");
      assert.equal(text(roundToMinorUnit(yen.days[0]?.customerPrice ?? decimal("0"), "JPY")), "744");
    });

    void test("for random months and plans, each customer's days add up to what the engine's own rating of the same rows gives", async () => {
      const categories = [
        "Virtual Machines",
        "Storage",
        "SQL Database",
        "Bandwidth",
        "Azure App Service",
        "Log Analytics",
      ];
      for (let seed = 1; seed <= 6; seed++) {
        const random = seededRandom(seed);
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
        const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");
        const month = `2025-${String(seed).padStart(2, "0")}`;
        const currency = pick(["USD", "GBP", "JPY", "EUR"] as const);
        const country = { USD: "US", GBP: "GB", JPY: "JP", EUR: "FR" }[currency];
        const account = await connectTestAccount(db, { orgId: w.orgA.id, alias: `RP${seed}`, country });
        const percent = () =>
          `${random() < 0.3 ? "-" : ""}${Math.floor(random() * 100)}.${digits(1 + Math.floor(random() * 6))}`;
        const plan = {
          markupPercent: percent(),
          categoryMarkups: Object.fromEntries(
            categories.filter(() => random() < 0.4).map((c) => [c, percent()]),
          ),
        };
        const lines: UsageLine[] = [];
        const customers = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) =>
          tenant(1000 + seed * 10 + i),
        );
        for (const customerId of customers) {
          must(await rating().assignUsage(w.operator, customerId, account));
          const rate = currency === "USD" ? "1" : `${Math.floor(random() * 200)}.${digits(6)}`;
          for (let day = 1; day <= 1 + Math.floor(random() * 5); day++) {
            const usageDate = `${month}-${String(day).padStart(2, "0")}`;
            const rows = Array.from({ length: 1 + Math.floor(random() * 8) }, () => {
              const unitPrice = `${Math.floor(random() * 3)}.${digits(16)}`;
              return {
                meterCategory: pick(categories),
                entitlementId: sub(seed),
                quantity: `${random() < 0.1 ? "-" : ""}${Math.floor(random() * 1000)}.${digits(6 + Math.floor(random() * 5))}`,
                unitPrice,
                effectiveUnitPrice: random() < 0.5 ? unitPrice : `0.${digits(22)}`,
                billingCurrency: currency,
                pcToBCExchangeRate: rate,
              };
            });
            await putSnapshot(db, { customerId, usageDate }, rows);
            for (const r of rows)
              lines.push({
                line: lines.length + 2,
                customerId,
                customerName: "",
                usageDate,
                meterCategory: r.meterCategory,
                unitPrice: parseOrFail(r.unitPrice),
                quantity: parseOrFail(r.quantity),
                effectiveUnitPrice: parseOrFail(r.effectiveUnitPrice),
                pricingCurrency: "USD",
                billingCurrency: currency,
                pcToBCExchangeRate: parseOrFail(r.pcToBCExchangeRate),
                pcToBCExchangeRateDate: `${month}-01`,
              });
          }
        }
        const rated = must(await rating().rateMonth({ billingAccountId: account, month, plan }));
        const engine = createRating(
          must(
            createPricePlan({
              markupPercent: parseOrFail(plan.markupPercent),
              meterCategoryMarkupPercent: Object.fromEntries(
                Object.entries(plan.categoryMarkups).map(([c, p]) => [c, parseOrFail(p)]),
              ),
            }),
          ),
        );
        for (const line of lines) engine.add(line);
        const expected = engine.result();
        assert.equal(expected.length, customers.length, `seed ${seed}`);
        for (const e of expected) {
          const days = rated.days.filter((d) => d.customerId === e.customerId);
          const sum = (f: (d: RatedMonth["days"][number]) => { units: bigint; scale: number }) =>
            days.reduce((t, d) => addExact(t, f(d)), decimal("0"));
          assert.equal(
            text(normalized(sum((d) => d.customerPrice))),
            text(e.customerPrice),
            `seed ${seed} customer price`,
          );
          assert.equal(
            text(normalized(sum((d) => d.listPrice))),
            text(e.listPrice),
            `seed ${seed} list price`,
          );
          assert.equal(
            text(normalized(sum((d) => d.partnerCost))),
            text(e.partnerCost),
            `seed ${seed} partner cost`,
          );
          assert.equal(
            text(
              roundToMinorUnit(
                sum((d) => d.customerPrice),
                currency,
              ),
            ),
            text(e.invoiceLines[0]?.amount ?? decimal("0")),
            `seed ${seed} invoice line`,
          );
          assert.equal(
            days.reduce((n, d) => n + d.rowCount, 0),
            e.rows,
          );
        }
      }
    });

    void test("the month's billing accounts with usage, and the usage no account takes", async () => {
      const account = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RU1", country: "US" });
      const gone = await connectTestAccount(db, { orgId: w.orgB.id, alias: "RU2", country: "US" });
      await addTestProvider(db, { orgId: w.orgB.id, billingAccountId: account, subscriptionId: sub(50) });
      await addTestProvider(db, { orgId: w.orgB.id, billingAccountId: gone, subscriptionId: sub(51) });
      await db
        .update(billingAccountsTable)
        .set({ disconnectedAt: new Date() })
        .where(eq(billingAccountsTable.id, gone));
      const row = { ...vm, quantity: "2", unitPrice: "0.5", billingCurrency: "USD", pcToBCExchangeRate: "1" };
      await putSnapshot(db, { customerId: tenant(50), usageDate: "2024-03-01" }, [
        { ...row, entitlementId: sub(50) },
        { ...row, entitlementId: sub(51) },
        { ...row, entitlementId: sub(52) },
      ]);
      await putSnapshot(db, { customerId: tenant(51), usageDate: "2024-03-02" }, [
        { ...row, entitlementId: sub(53) },
      ]);
      const routes = await rating().billingAccountsWithUsage("2024-03");
      assert.deepEqual(
        routes.map((r) => r.billingAccountId),
        [account],
      );
      const unassigned = await rating().unassignedUsage("2024-03");
      assert.deepEqual(
        unassigned.map((u) => [u.customerId, u.rows, u.listPrice, u.currency]),
        [
          [tenant(50), 2, "2", "USD"],
          [tenant(51), 1, "1", "USD"],
        ],
      );
      const rated = await rate(account, "2024-03");
      assert.equal(rated.days[0]?.rowCount, 1, "only the rows of the account's subscription");
      const detail = [];
      for await (const r of rating().rateSnapshots({
        billingAccountId: account,
        snapshotIds: rated.days.map((d) => d.snapshotId),
        month: "2024-03",
      }))
        detail.push([r.row.entitlementId, text(normalized(r.customerPrice)), r.serviceClass]);
      assert.deepEqual(detail, [[sub(50), "1", "iaas"]]);
      must(await rating().assignUsage(w.operator, tenant(51), account));
      assert.deepEqual(
        (await rating().unassignedUsage("2024-03")).map((u) => u.customerId),
        [tenant(50)],
      );
    });
  });
}

function parseOrFail(value: string) {
  const parsed = parseDecimal(value);
  if (!parsed) throw new Error(`not a decimal: ${value}`);
  return parsed;
}
