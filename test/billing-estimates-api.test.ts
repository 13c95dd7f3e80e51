import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import { providers } from "../src/modules/providers/tables.ts";
import { addTestProvider, connectTestAccount, putSnapshot } from "./support/billing-usage-rows.ts";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

const CUSTOMER = "00000000-0000-0000-0000-00000000e571";
const SUB_A = "22222222-0000-0000-0000-00000000000a";
const SUB_B = "22222222-0000-0000-0000-00000000000b";

type Estimate = {
  currency: string;
  method: string;
  daysSampled: number;
  mtd: string;
  eom: string;
  low: string;
  high: string;
  prorationEom: string;
  exact: { mtd: string; eom: string };
};
type ScopeEstimate = { month: string; asOf: string; estimates: Estimate[] };

/** Day d of November 2026 costs 10.005 on weekdays and 4 at weekends on SUB_A, and 1 every day on SUB_B. */
const weekend = (day: number) => [0, 6].includes(new Date(Date.UTC(2026, 10, day)).getUTCDay());
const priceA = (day: number) => (weekend(day) ? "4" : "10.005");

/** Thousandths, to add the test's own figures exactly. */
const milli = (s: string) => {
  const [whole = "0", frac = ""] = s.split(".");
  return BigInt(whole) * 1000n + BigInt(frac.padEnd(3, "0").slice(0, 3));
};
/** Rounds thousandths to cents, half away from zero (the amounts here are positive), as a decimal string. */
const cents = (m: bigint) => {
  const c = (m + 5n) / 10n;
  return `${c / 100n}.${(c % 100n).toString().padStart(2, "0")}`;
};

for (const backend of backends()) {
  void describe(`month-end estimates API on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let admin: Auth;
    let ccAdmin: Auth;
    let member: Auth;
    let outsider: Auth;
    let accountId: string;
    let providerA: string;

    before(async () => {
      h = await createHarness(await backend.open());
      h.clock.set(new Date("2026-11-21T08:00:00Z"));
      w = await createWorld(h);
      const db = h.database.db;
      admin = await h.sessionFor(w.ids.orgAdmin);
      ccAdmin = await h.sessionFor(w.ids.ccAdmin);
      member = await h.sessionFor(w.ids.wsUser);
      outsider = await h.sessionFor(w.ids.otherOrgAdmin);
      accountId = await connectTestAccount(db, { orgId: w.orgA.id, alias: "PCEST", country: "US" });
      providerA = await addTestProvider(db, {
        orgId: w.orgA.id,
        billingAccountId: accountId,
        subscriptionId: SUB_A,
      });
      const providerB = await addTestProvider(db, {
        orgId: w.orgA.id,
        billingAccountId: accountId,
        subscriptionId: SUB_B,
      });
      await db.update(providers).set({ costCenterId: w.cc1.id }).where(eq(providers.id, providerA));
      await db.update(providers).set({ costCenterId: w.cc2.id }).where(eq(providers.id, providerB));
      for (let day = 1; day <= 20; day++) {
        const usageDate = `2026-11-${String(day).padStart(2, "0")}`;
        const row = (entitlementId: string, unitPrice: string) => ({
          entitlementId,
          meterCategory: "Virtual Machines",
          quantity: "1",
          unitPrice,
          effectiveUnitPrice: unitPrice,
          billingCurrency: "USD",
          pcToBCExchangeRate: "1",
        });
        await putSnapshot(db, { customerId: CUSTOMER, usageDate }, [
          row(SUB_A, priceA(day)),
          row(SUB_B, "1"),
        ]);
      }
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    const days = Array.from({ length: 20 }, (_, i) => i + 1);
    const mtdA = days.reduce((s, d) => s + milli(priceA(d)), 0n);
    const mtdAll = mtdA + 20n * 1000n;

    void test("the original product's API answers month to date and the month end prorated by days, as JSON numbers, to an API token", async () => {
      const r = await h.request(
        { kind: "token", secret: w.tokens.read },
        "GET",
        "/accounts/pcest/azure/billingestimate",
      );
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, `{"mtdEstimate":${cents(mtdAll)},"eomEstimate":${cents((mtdAll * 30n) / 20n)}}`);
      const parsed = r.json() as { mtdEstimate: number; eomEstimate: number };
      assert.equal(typeof parsed.mtdEstimate, "number");
    });

    void test("without credentials, or for another organization's account, the estimate is not given", async () => {
      const anonymous = await h.request(
        { kind: "anonymous" },
        "GET",
        "/accounts/PCEST/azure/billingestimate",
      );
      assert.equal(anonymous.status, 401);
      const other = await h.request(outsider, "GET", "/accounts/PCEST/azure/billingestimate");
      assert.equal(other.status, 404);
      const unknown = await h.request(admin, "GET", "/accounts/NOPE/azure/billingestimate");
      assert.equal(unknown.status, 404);
    });

    void test("the richer estimate of a billing account names its method and days, gives a range around its month end, and the seeds' proration beside it", async () => {
      const r = await h.request(admin, "GET", `/api/v1/estimates?scope=billing_account&id=${accountId}`);
      assert.equal(r.status, 200, r.body);
      const body = r.json() as ScopeEstimate;
      assert.equal(body.month, "2026-11");
      assert.equal(body.asOf, "2026-11-21");
      const [e] = body.estimates;
      assert.ok(e);
      assert.equal(e.currency, "USD");
      assert.equal(e.mtd, cents(mtdAll));
      assert.equal(e.prorationEom, cents((mtdAll * 30n) / 20n));
      assert.notEqual(e.method, "proration");
      assert.ok(e.daysSampled >= 7, `${e.daysSampled} days sampled`);
      assert.ok(milli(e.low) <= milli(e.eom) && milli(e.eom) <= milli(e.high), JSON.stringify(e));
      assert.ok(milli(e.eom) >= milli(e.mtd));
    });

    void test("a provider's and a cost center's estimates count only their own subscriptions; the organization's counts all", async () => {
      const provider = await h.request(admin, "GET", `/api/v1/estimates?scope=provider&id=${providerA}`);
      assert.equal(provider.status, 200, provider.body);
      assert.equal((provider.json() as ScopeEstimate).estimates[0]?.mtd, cents(mtdA));
      const cc = await h.request(ccAdmin, "GET", `/api/v1/estimates?scope=cost_center&id=${w.cc1.id}`);
      assert.equal(cc.status, 200, cc.body);
      assert.equal((cc.json() as ScopeEstimate).estimates[0]?.mtd, cents(mtdA));
      const org = await h.request(admin, "GET", `/api/v1/estimates?scope=organization&id=${w.orgA.id}`);
      assert.equal(org.status, 200, org.body);
      assert.equal((org.json() as ScopeEstimate).estimates[0]?.mtd, cents(mtdAll));
      const proration = await h.request(
        admin,
        "GET",
        `/api/v1/estimates?scope=organization&id=${w.orgA.id}&method=proration&asOf=2026-11-11`,
      );
      const firstTen = days.slice(0, 10).reduce((s, d) => s + milli(priceA(d)) + 1000n, 0n);
      assert.equal((proration.json() as ScopeEstimate).estimates[0]?.eom, cents((firstTen * 30n) / 10n));
    });

    void test("who may not see an estimate is told why, and a wrong request names the field", async () => {
      const asMember = await h.request(
        member,
        "GET",
        `/api/v1/estimates?scope=billing_account&id=${accountId}`,
      );
      assert.equal(asMember.status, 403);
      const otherCc = await h.request(ccAdmin, "GET", `/api/v1/estimates?scope=cost_center&id=${w.cc2.id}`);
      // Another cost center of the organization is not visible to this cost-center administrator at all.
      assert.equal(otherCc.status, 404);
      const elsewhere = await h.request(
        outsider,
        "GET",
        `/api/v1/estimates?scope=organization&id=${w.orgA.id}`,
      );
      assert.equal(elsewhere.status, 404);
      const wrongKind = await h.request(admin, "GET", `/api/v1/estimates?scope=provider&id=${accountId}`);
      assert.equal(wrongKind.status, 400);
      assert.match(wrongKind.body, /id must be the id of a provider/);
      const badDay = await h.request(
        admin,
        "GET",
        `/api/v1/estimates?scope=billing_account&id=${accountId}&asOf=2026-11-31`,
      );
      assert.equal(badDay.status, 400);
      assert.match(badDay.body, /asOf/);
    });
  });
}
