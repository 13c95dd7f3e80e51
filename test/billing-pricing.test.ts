import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { auditEvents } from "../src/modules/audit/tables.ts";
import type { Db } from "../src/platform/db/types.ts";
import { connectTestAccount, putSnapshot } from "./support/billing-usage-rows.ts";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string; fields?: { path: string }[] } };
type Plan = {
  id: string;
  effectiveFrom: string;
  markupPercent: string;
  categoryMarkups: Record<string, string>;
  status: string;
};

const CUSTOMER = "00000000-0000-0000-0000-00000000aaaa";
const SUBSCRIPTION = "11111111-0000-0000-0000-00000000aaaa";

for (const backend of backends()) {
  void describe(`billing pricing API on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let db: Db;
    let operator: Auth;
    let admin: Auth;
    let member: Auth;
    let outsider: Auth;

    before(async () => {
      h = await createHarness(await backend.open());
      w = await createWorld(h);
      db = h.database.db;
      operator = await h.sessionFor(w.ids.operator);
      admin = await h.sessionFor(w.ids.orgAdmin);
      member = await h.sessionFor(w.ids.wsUser);
      outsider = await h.sessionFor(w.ids.otherOrgAdmin);
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    const plans = () => `/api/v1/organizations/${w.orgA.id}/price-plans`;
    const code = (r: { json: () => unknown }) => (r.json() as ErrorBody).error.code;
    const audited = async (action: string) =>
      (await db.select().from(auditEvents).where(eq(auditEvents.action, action))).length;

    void test("an organization admin schedules a plan for a month not yet started, and replaces it while it waits", async () => {
      const created = await h.request(admin, "POST", plans(), {
        effectiveFrom: "2026-12",
        markupPercent: "12.5",
        categoryMarkups: { " virtual   machines ": "5.000" },
      });
      assert.equal(created.status, 201, created.body);
      const plan = created.json() as Plan;
      assert.deepEqual(
        {
          effectiveFrom: plan.effectiveFrom,
          markupPercent: plan.markupPercent,
          categoryMarkups: plan.categoryMarkups,
          status: plan.status,
        },
        {
          effectiveFrom: "2026-12",
          markupPercent: "12.5",
          categoryMarkups: { "virtual machines": "5" },
          status: "scheduled",
        },
      );
      const replaced = await h.request(operator, "POST", plans(), {
        effectiveFrom: "2026-12",
        markupPercent: "-7.25",
      });
      assert.equal(replaced.status, 201, replaced.body);
      const list = await h.request(admin, "GET", plans());
      assert.equal(list.status, 200);
      const items = (list.json() as { items: Plan[] }).items;
      assert.deepEqual(
        items.map((p) => [p.effectiveFrom, p.markupPercent]),
        [["2026-12", "-7.25"]],
      );
      assert.equal(await audited("billing.price_plan_created"), 2);
      assert.deepEqual(await h.modules.billingPricing.plans.current(w.orgA.id, "2026-11"), {
        effectiveFrom: null,
        markupPercent: "0",
        categoryMarkups: {},
      });
      assert.equal(
        (await h.modules.billingPricing.plans.current(w.orgA.id, "2027-03")).markupPercent,
        "-7.25",
      );
    });

    void test("a plan for a month that has started, beyond a 100 % discount, or with seven decimals is refused, saying what to send", async () => {
      const started = await h.request(admin, "POST", plans(), {
        effectiveFrom: "2026-11",
        markupPercent: "10",
      });
      assert.equal(started.status, 422);
      assert.equal(code(started), "price_plan_not_future");
      assert.match((started.json() as ErrorBody).error.message, /Use 2026-12 or a later month/);
      for (const [body, field] of [
        [{ effectiveFrom: "2027-01", markupPercent: "-100.5" }, "markupPercent"],
        [{ effectiveFrom: "2027-01", markupPercent: "1.1234567" }, "markupPercent"],
        [
          { effectiveFrom: "2027-01", markupPercent: "1", categoryMarkups: { Storage: "-101" } },
          "categoryMarkups[Storage]",
        ],
        [
          {
            effectiveFrom: "2027-01",
            markupPercent: "1",
            categoryMarkups: { Storage: "1", " storage": "2" },
          },
          "categoryMarkups[storage]",
        ],
      ] as const) {
        const refused = await h.request(admin, "POST", plans(), body);
        assert.equal(refused.status, 400, refused.body);
        assert.equal(code(refused), "price_plan_invalid");
        assert.equal((refused.json() as ErrorBody).error.fields?.[0]?.path, field);
      }
      const shape = await h.request(admin, "POST", plans(), {
        effectiveFrom: "2027-13",
        markupPercent: "ten",
      });
      assert.equal(shape.status, 400);
      assert.equal(code(shape), "validation_failed");
      assert.equal(
        (await h.request(member, "POST", plans(), { effectiveFrom: "2027-01", markupPercent: "1" })).status,
        403,
      );
      assert.equal((await h.request(member, "GET", plans())).status, 403);
      assert.equal((await h.request(outsider, "GET", plans())).status, 404);
    });

    void test("a preview rates the last complete month under the current and the proposed plan and saves nothing", async () => {
      const account = await connectTestAccount(db, { orgId: w.orgA.id, alias: "PV1", country: "GB" });
      const assigned = await h.request(operator, "PUT", `/api/v1/billing/usage-assignments/${CUSTOMER}`, {
        billingAccountId: account,
      });
      assert.equal(assigned.status, 200, assigned.body);
      const row = {
        entitlementId: SUBSCRIPTION,
        meterCategory: "Virtual Machines",
        quantity: "10",
        unitPrice: "1.005",
        effectiveUnitPrice: "0.9",
        billingCurrency: "GBP",
        pcToBCExchangeRate: "0.8",
      };
      await putSnapshot(db, { customerId: CUSTOMER, usageDate: "2026-10-01" }, [row]);
      await putSnapshot(db, { customerId: CUSTOMER, usageDate: "2026-10-02" }, [
        { ...row, meterCategory: "SQL Database" },
      ]);
      const before = await h.request(admin, "GET", plans());
      const preview = await h.request(admin, "POST", `${plans()}/preview`, {
        markupPercent: "10",
        categoryMarkups: { "Virtual Machines": "0" },
      });
      assert.equal(preview.status, 200, preview.body);
      // 8.04 + 8.04 at 0 % = 16.08; proposed: 8.04 + 8.844 = 16.884 → 16.88
      assert.deepEqual(preview.json(), {
        month: "2026-10",
        currentPlan: { effectiveFrom: null, markupPercent: "0", categoryMarkups: {} },
        proposedPlan: {
          effectiveFrom: null,
          markupPercent: "10",
          categoryMarkups: { "Virtual Machines": "0" },
        },
        accounts: [
          {
            billingAccountId: account,
            alias: "PV1",
            costCenterId: null,
            currency: "GBP",
            currentTotal: "16.08",
            proposedTotal: "16.88",
            difference: "0.80",
          },
        ],
      });
      assert.equal((await h.request(admin, "GET", plans())).body, before.body);
      const split = await h.request(operator, "PUT", "/api/v1/billing/settings", {
        label: "Azure usage",
        splitServices: true,
        timing: "arrears",
      });
      assert.equal(split.status, 200, split.body);
      const perClass = await h.request(admin, "POST", `${plans()}/preview`, {
        markupPercent: "0.05",
        month: "2026-10",
      });
      // IaaS 8.04402 → 8.04 and SaaS 8.04402 → 8.04: each line rounded once
      assert.equal(
        (perClass.json() as { accounts: { proposedTotal: string }[] }).accounts[0]?.proposedTotal,
        "16.08",
      );
      assert.equal(
        (await h.request(outsider, "POST", `${plans()}/preview`, { markupPercent: "1" })).status,
        404,
      );
    });

    void test("operators set, list and remove the partner's monthly exchange rates", async () => {
      const url = "/api/v1/billing/exchange-rates/usd/EUR/2026-10";
      const set = await h.request(operator, "PUT", url, { rate: "0.920000" });
      assert.equal(set.status, 200, set.body);
      assert.equal((set.json() as { rate: string }).rate, "0.92");
      assert.equal(await audited("billing.exchange_rate_set"), 1);
      const list = await h.request(operator, "GET", "/api/v1/billing/exchange-rates?month=2026-10");
      assert.deepEqual(
        (list.json() as { items: { from: string; to: string; rate: string }[] }).items.map((r) => [
          r.from,
          r.to,
          r.rate,
        ]),
        [["USD", "EUR", "0.92"]],
      );
      for (const [body, status] of [
        [{ rate: "0" }, 400],
        [{ rate: "-1" }, 400],
        [{ rate: "0.1234567890123" }, 400],
      ] as const)
        assert.equal((await h.request(operator, "PUT", url, body)).status, status, JSON.stringify(body));
      assert.equal(
        code(
          await h.request(operator, "PUT", "/api/v1/billing/exchange-rates/USD/XXX/2026-10", { rate: "1" }),
        ),
        "exchange_rate_invalid",
      );
      assert.equal(
        code(
          await h.request(operator, "PUT", "/api/v1/billing/exchange-rates/USD/USD/2026-10", { rate: "1" }),
        ),
        "exchange_rate_invalid",
      );
      assert.equal((await h.request(admin, "PUT", url, { rate: "1" })).status, 403);
      assert.equal((await h.request(admin, "GET", "/api/v1/billing/exchange-rates")).status, 403);
      assert.equal((await h.request(operator, "DELETE", url)).status, 204);
      assert.equal((await h.request(operator, "DELETE", url)).status, 404);
      assert.equal(await audited("billing.exchange_rate_deleted"), 1);
    });

    void test("everyone signed in reads the billing policy; operators change it", async () => {
      const read = await h.request(member, "GET", "/api/v1/billing/settings");
      assert.equal(read.status, 200);
      const label = (read.json() as { label: string }).label;
      assert.ok(label === "Integrated Azure Services Usage" || label === "Azure usage");
      const long = await h.request(operator, "PUT", "/api/v1/billing/settings", {
        label: "x".repeat(101),
        splitServices: false,
        timing: "estimate",
      });
      assert.equal(long.status, 400);
      const wrong = await h.request(operator, "PUT", "/api/v1/billing/settings", {
        label: "A",
        splitServices: false,
        timing: "later",
      });
      assert.equal(wrong.status, 400);
      assert.equal(
        (
          await h.request(admin, "PUT", "/api/v1/billing/settings", {
            label: "A",
            splitServices: false,
            timing: "estimate",
          })
        ).status,
        403,
      );
      const ok = await h.request(operator, "PUT", "/api/v1/billing/settings", {
        label: "  Integrated   Azure  ",
        splitServices: false,
        timing: "estimate",
      });
      assert.equal(ok.status, 200, ok.body);
      assert.equal((ok.json() as { label: string }).label, "Integrated Azure");
      assert.ok((await audited("billing.settings_updated")) >= 1);
    });

    void test("operators see the usage no billing account takes and route it", async () => {
      const stray = "00000000-0000-0000-0000-00000000bbbb";
      await putSnapshot(db, { customerId: stray, usageDate: "2026-08-05" }, [
        {
          entitlementId: SUBSCRIPTION,
          meterCategory: "Storage",
          quantity: "4",
          unitPrice: "0.25",
          effectiveUnitPrice: "0.2",
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        },
      ]);
      const seen = await h.request(operator, "GET", "/api/v1/billing/unassigned-usage?month=2026-08");
      assert.equal(seen.status, 200, seen.body);
      assert.deepEqual((seen.json() as { items: unknown[] }).items, [
        {
          customerId: stray,
          customerName: "Customer 0000",
          rows: 1,
          listPrice: "1",
          currency: "USD",
          billingAccountId: null,
        },
      ]);
      assert.equal(
        (await h.request(admin, "GET", "/api/v1/billing/unassigned-usage?month=2026-08")).status,
        403,
      );
      assert.equal((await h.request(operator, "GET", "/api/v1/billing/unassigned-usage")).status, 400);
      const account = await connectTestAccount(db, { orgId: w.orgB.id, alias: "UA1", country: "US" });
      const unknown = await h.request(operator, "PUT", `/api/v1/billing/usage-assignments/${stray}`, {
        billingAccountId: "ba_0000000000000000000000000",
      });
      assert.ok([400, 404].includes(unknown.status), unknown.body);
      assert.equal(
        (
          await h.request(operator, "PUT", `/api/v1/billing/usage-assignments/not-a-guid`, {
            billingAccountId: account,
          })
        ).status,
        400,
      );
      assert.equal(
        (
          await h.request(admin, "PUT", `/api/v1/billing/usage-assignments/${stray}`, {
            billingAccountId: account,
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await h.request(operator, "PUT", `/api/v1/billing/usage-assignments/${stray}`, {
            billingAccountId: account,
          })
        ).status,
        200,
      );
      const after = await h.request(operator, "GET", "/api/v1/billing/unassigned-usage?month=2026-08");
      assert.deepEqual((after.json() as { items: unknown[] }).items, []);
      assert.equal(await audited("billing.usage_assigned"), 2);
    });
  });
}
