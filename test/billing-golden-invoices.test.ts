// The golden end-to-end billing test: generated usage files in, through the usage store, routing, the partner's
// price plan, invoicing and posting, invoice lines out, each equal to an independent computation to the cent (JPY
// to the yen). The independent side (test/support/independent-billing.ts) reads the files itself, settles rows by
// the generator's natural-key rule, prices them with its own exact decimals and rounds once per line; it is
// checked first against the generator's own expected totals, which the generator computed while writing the rows.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { CORRECTION_CHARGE_TYPE, generateUsageFile } from "../src/emulator/usage-generator/index.ts";
import type { InvoiceView } from "../src/modules/billing/invoicing/index.ts";
import { connectTestAccount } from "./support/billing-usage-rows.ts";
import { backends } from "./support/databases.ts";
import { createHarness, must, type Harness } from "./support/harness.ts";
import {
  csvLine,
  exact,
  exactText,
  field,
  figuresOf,
  keyOf,
  minorUnitsOf,
  minus,
  NO_PLAN,
  plus,
  readUsageCsv,
  rounded,
  sameNumber,
  settled,
  times,
  type LineFigures,
  type Plan,
  type UsageRecord,
} from "./support/independent-billing.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import { createWorld, type World } from "./support/world.ts";

const M1 = "2026-12";
const M2 = "2027-01";
/** Seed 36 gives five customers (USD, GBP, JPY, USD, USD) and about 3,500 rows a month. */
const GENERATION = {
  seed: 36,
  months: [M1, M2],
  size: { customers: 5 },
  shares: { late: 0, restated: 0.03, duplicates: 0.02, corrections: 0.01, pecChanges: 0.5 },
  currencies: ["USD", "GBP", "JPY"],
};
/** Organization A's plan from M1: 12.5 % on everything, 4.875 % on virtual machines (named loosely on purpose). */
const PLAN_A: Plan = { markupPercent: "12.5", categoryMarkups: { " virtual  MACHINES": "4.875" } };
const LABEL = "Integrated Azure Services Usage";

type ExpectedSums = {
  rows: number;
  listPrice: string;
  billingTotal: string;
  listPriceInBillingCurrency: string;
  listPriceInBillingCurrencyRounded: string;
};
type ExpectedCustomer = ExpectedSums & {
  customerId: string;
  billingCurrency: string;
  byUsageMonth: Record<string, ExpectedSums>;
};

/** The partner-cloud accounts billed: alias, country, currency, organization and cost center (by world key). */
const ACCOUNTS = [
  { alias: "PCLD", country: "US", currency: "USD", org: "orgA", costCenter: null },
  { alias: "PCUK", country: "GB", currency: "GBP", org: "orgA", costCenter: "cc1" },
  { alias: "PCJP", country: "JP", currency: "JPY", org: "orgB", costCenter: null },
] as const;
type AccountSpec = (typeof ACCOUNTS)[number];
type Account = AccountSpec & { id: string; orgId: string; costCenterId: string | null; plan: Plan };

type Fixture = {
  dir: string;
  customers: ExpectedCustomer[];
  files: { month1: string; month2: string; late: string };
  /** The rows of each file as written, in file order. */
  rows: { month1: UsageRecord[]; month2: UsageRecord[]; late: UsageRecord[] };
  /** The late file's two changes to month 1: a row never seen before, and a restatement that lowers a day. */
  lateRow: UsageRecord;
  restated: { before: UsageRecord; after: UsageRecord };
};

const writeUsage = (file: string, headerLine: string, lines: readonly string[]) =>
  writeFileSync(file, `${headerLine}\r\n${lines.join("")}`);

const listOf = (r: UsageRecord) => times(exact(field(r, "UnitPrice")), exact(field(r, "Quantity")));
const largest = (rows: readonly UsageRecord[]): UsageRecord => {
  const [first, ...rest] = rows;
  assert.ok(first, "a row to choose from");
  return rest.reduce((best, r) => (minus(listOf(r), listOf(best)).units > 0n ? r : best), first);
};

/**
 * One generated range (M1, M2) cut by usage month into two files, and a later download of M1: the same file with
 * a latent row and a restatement appended. Each file is its month's billing period, and a download replaces what a
 * customer-day holds of its period, so the later download carries every row of M1; the days it leaves as they were
 * make no version.
 */
async function buildFixture(): Promise<Fixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pc-golden-invoices-"));
  const generated = path.join(dir, "generated.csv");
  const summary = await generateUsageFile(GENERATION, generated);
  const customers = (
    JSON.parse(readFileSync(summary.expectedFile, "utf8")) as { customers: ExpectedCustomer[] }
  ).customers;
  const csv = readUsageCsv(generated);
  const inMonth = (m: string) => csv.records.filter((r) => field(r, "UsageDate").startsWith(m));
  const month1 = inMonth(M1);
  const month2 = inMonth(M2);
  assert.equal(month1.length + month2.length, csv.records.length, "every row is in M1 or M2");
  const files = {
    month1: path.join(dir, "month1.csv"),
    month2: path.join(dir, "month2.csv"),
    late: path.join(dir, "month1-later.csv"),
  };
  const lineOf = (r: UsageRecord) => `${r.text}\r\n`;
  writeUsage(files.month1, csv.headerLine, month1.map(lineOf));
  writeUsage(files.month2, csv.headerLine, month2.map(lineOf));

  const customerIn = (currency: string) => {
    const c = customers.find((x) => x.billingCurrency === currency);
    assert.ok(c, `a ${currency} customer`);
    return c.customerId;
  };
  const settledOf = (customerId: string) =>
    settled(month1).filter(
      (r) => field(r, "CustomerId") === customerId && field(r, "ChargeType") !== CORRECTION_CHARGE_TYPE,
    );
  const source = largest(settledOf(customerIn("USD")));
  const lateFields = { ...source.fields, ResourceURI: `${field(source, "ResourceURI")}/latent` };
  const restatedFrom = largest(settledOf(customerIn("JPY")));
  const quantity = times(exact(field(restatedFrom, "Quantity")), exact("0.4"));
  const pricingTotal = times(quantity, exact(field(restatedFrom, "EffectiveUnitPrice")));
  const restatedFields = {
    ...restatedFrom.fields,
    Quantity: exactText(quantity),
    PricingPreTaxTotal: exactText(pricingTotal),
    BillingPreTaxTotal: exactText(times(pricingTotal, exact(field(restatedFrom, "PCToBCExchangeRate")))),
  };
  const appended = [csvLine(csv.header, lateFields), csvLine(csv.header, restatedFields)];
  writeUsage(files.late, csv.headerLine, [...month1.map(lineOf), ...appended]);
  const late = readUsageCsv(files.late).records;
  const [lateRow, restated] = late.slice(-2);
  assert.ok(lateRow && restated);
  return {
    dir,
    customers,
    files,
    rows: { month1, month2, late },
    lateRow,
    restated: { before: restatedFrom, after: restated },
  };
}

let fixture: Promise<Fixture> | undefined;
const fixtureOnce = () => (fixture ??= buildFixture());

let emu: RunningEmulator;
let seed: DemoSeed;
before(async () => {
  ({ emu, seed } = await startSeededEmulator("golden-invoices"));
  emu.partnerCloud.addAccount({
    accountAlias: "PCJP",
    parentAlias: "PCLD",
    businessName: "Contoso Japan",
    addressLine1: "1 Chiyoda",
    city: "Tokyo",
    stateProvince: "Tokyo",
    postalCode: "100-0001",
    country: "JP",
    status: "Active",
    isDemo: false,
    isInternal: false,
    isReseller: false,
    billingContactEmail: "billing@contoso.example",
  });
});
after(async () => {
  await emu.close();
  if (fixture) rmSync((await fixture).dir, { recursive: true, force: true });
});

void describe("the generated usage files hold what the golden test needs", () => {
  void test("duplicates, restatements, negative corrections, a PEC change mid-month and a JPY customer in month 1; the independent computation equals the generator's totals", async () => {
    const f = await fixtureOnce();
    const texts = f.rows.month1.map((r) => r.text);
    assert.ok(new Set(texts).size < texts.length, "an exact duplicate");
    const byKey = new Map<string, Set<string>>();
    for (const r of f.rows.month1) byKey.set(keyOf(r), (byKey.get(keyOf(r)) ?? new Set()).add(r.text));
    assert.ok(
      [...byKey.values()].some((versions) => versions.size > 1),
      "a restated row",
    );
    assert.ok(
      f.rows.month1.some(
        (r) => field(r, "ChargeType") === CORRECTION_CHARGE_TYPE && exact(field(r, "Quantity")).units < 0n,
      ),
      "a negative correction",
    );
    // PEC per subscription and day: a subscription with whole days at 15 % and whole days at 0 % lost admin access.
    const pecDays = new Map<string, Map<string, Set<string>>>();
    for (const r of f.rows.month1) {
      const days = pecDays.get(field(r, "EntitlementId")) ?? new Map<string, Set<string>>();
      const day = field(r, "UsageDate");
      days.set(day, (days.get(day) ?? new Set()).add(field(r, "PartnerEarnedCreditPercentage")));
      pecDays.set(field(r, "EntitlementId"), days);
    }
    const whole = (days: Map<string, Set<string>>, percent: string) =>
      [...days.values()].some((p) => p.size === 1 && p.has(percent));
    assert.ok(
      [...pecDays.values()].some((days) => whole(days, "15") && whole(days, "0")),
      "a subscription losing PEC mid-month",
    );
    assert.deepEqual([...new Set(f.customers.map((c) => c.billingCurrency))].sort(), ["GBP", "JPY", "USD"]);
    assert.ok(!byKey.has(keyOf(f.lateRow)), "the latent row is a charge month 1 did not have");
    assert.ok(byKey.has(keyOf(f.restated.after)), "the restatement replaces a row of month 1");
    assert.ok(
      exact(field(f.restated.after, "Quantity")).units > 0n &&
        minus(listOf(f.restated.after), listOf(f.restated.before)).units < 0n,
      "the restatement lowers its day",
    );

    for (const [month, rows] of [
      [M1, f.rows.month1],
      [M2, f.rows.month2],
    ] as const) {
      const kept = settled(rows);
      for (const c of f.customers) {
        const mine = figuresOf(
          kept.filter((r) => field(r, "CustomerId") === c.customerId),
          c.billingCurrency,
          NO_PLAN,
        );
        const theirs = c.byUsageMonth[month];
        assert.ok(theirs, `${c.customerId} has usage in ${month}`);
        assert.equal(mine.rows, theirs.rows, `${c.customerId} ${month}: settled rows`);
        assert.ok(
          sameNumber(mine.listPrice, exact(theirs.listPriceInBillingCurrency)),
          `${c.customerId} list`,
        );
        assert.ok(sameNumber(mine.partnerCost, exact(theirs.billingTotal)), `${c.customerId} partner cost`);
        assert.equal(
          rounded(mine.customerPrice, minorUnitsOf(c.billingCurrency)),
          theirs.listPriceInBillingCurrencyRounded,
        );
      }
    }
  });
});

for (const backend of backends()) {
  void describe(`golden invoices on ${backend.name}`, () => {
    type Opened = { h: Harness; w: World; accounts: Account[]; close: () => Promise<void> };

    async function openWorld(): Promise<Opened> {
      const built = await integrationsFor(emu, seed, { now: () => new Date("2026-11-02T09:00:00Z") });
      const h = await createHarness(
        await backend.open(),
        {
          PARTNER_CLOUD_BILLING_USER: seed.partnerCloudBilling.userName,
          PARTNER_CLOUD_BILLING_PASSWORD: seed.partnerCloudBilling.password,
        },
        { integrations: built.integrations },
      );
      const w = await createWorld(h);
      const accounts: Account[] = [];
      for (const spec of ACCOUNTS) {
        const orgId = w[spec.org].id;
        const costCenterId = spec.costCenter ? w[spec.costCenter].id : null;
        const id = await connectTestAccount(h.database.db, {
          orgId,
          alias: spec.alias,
          country: spec.country,
          costCenterId,
        });
        accounts.push({ ...spec, id, orgId, costCenterId, plan: spec.org === "orgA" ? PLAN_A : NO_PLAN });
      }
      // The plan is set in November, before the month it starts in has begun.
      must(
        await h.modules.billingPricing.plans.create(w.operator, w.orgA.id, { effectiveFrom: M1, ...PLAN_A }),
      );
      const close = async () => {
        await h.close();
        await h.database.close();
        built.close();
      };
      return { h, w, accounts, close };
    }

    const importFile = async (h: Harness, file: string, kind: "unbilled" | "billed") => {
      const imported = must(
        await h.modules.billingUsage.importUsageFile(file, {
          kind,
          startedBy: "test",
          ...(kind === "billed" ? { microsoftInvoiceId: "G012345678" } : {}),
        }),
      );
      assert.equal(imported.state, "done");
      assert.equal(imported.rowsQuarantined, 0);
      return imported;
    };

    /** Each customer to the account billing in its currency. */
    async function assignCustomers(h: Harness, w: World, f: Fixture, accounts: Account[]) {
      for (const c of f.customers) {
        const account = accountIn(accounts, c.billingCurrency);
        must(await h.modules.billingRating.assignUsage(w.operator, c.customerId, account.id));
      }
      assert.deepEqual(await h.modules.billingRating.unassignedUsage(M1), []);
    }

    /** The independent figures of an account's settled rows in one file. */
    const expectedOf = (f: Fixture, rows: readonly UsageRecord[], a: Account): LineFigures => {
      const mine = new Set(
        f.customers.filter((c) => c.billingCurrency === a.currency).map((c) => c.customerId),
      );
      return figuresOf(
        settled(rows).filter((r) => mine.has(field(r, "CustomerId"))),
        a.currency,
        a.plan,
      );
    };

    /** A line equals the independent figures: exact sums digit for digit, the amount to the minor unit. */
    function assertLine(
      line: NonNullable<InvoiceView["lines"]>[number] | undefined,
      want: { description: string; servicePeriod: string; figures: LineFigures; currency: string },
      what: string,
    ) {
      assert.ok(line, `${what}: the line is there`);
      assert.equal(line.description, want.description, what);
      assert.equal(line.servicePeriod, want.servicePeriod, what);
      assert.equal(
        line.amount,
        rounded(want.figures.customerPrice, minorUnitsOf(want.currency)),
        `${what}: amount`,
      );
      assert.ok(
        sameNumber(exact(line.exact), want.figures.customerPrice),
        `${what}: exact ${line.exact} ≠ ${exactText(want.figures.customerPrice)}`,
      );
      assert.ok(
        line.listPrice !== undefined && sameNumber(exact(line.listPrice), want.figures.listPrice),
        what,
      );
      assert.ok(
        line.partnerCost !== undefined && sameNumber(exact(line.partnerCost), want.figures.partnerCost),
        `${what}: partner cost`,
      );
    }

    const totalOf = (inv: InvoiceView, currency: string) =>
      rounded(
        (inv.lines ?? []).reduce((t, l) => plus(t, exact(l.amount)), exact("0")),
        minorUnitsOf(currency),
      );

    const fingerprint = (inv: InvoiceView) =>
      JSON.stringify([inv.number, inv.total, inv.basis, inv.state, inv.lines]);

    /** The partner cloud's lines of our documents on the account's invoice of the month, read back. */
    async function remoteLines(h: Harness, alias: string, month: string, ids: ReadonlySet<string>) {
      const client = h.modules.integrations?.partnerCloud;
      assert.ok(client, "a partner cloud");
      const session = must(
        await client.login(seed.partnerCloudBilling.userName, seed.partnerCloudBilling.password),
      );
      const [year = "", m = ""] = month.split("-");
      const remote = must(await client.invoice(session, alias, Number(year), Number(m)));
      const keys = remote.lines.map((l) => l.key ?? "");
      assert.equal(new Set(keys).size, keys.length, `a line posted twice to ${alias} ${month}`);
      return {
        all: remote.lines.length,
        ours: remote.lines
          .filter((l) => ids.has((l.key ?? "").split(":")[0] ?? ""))
          .map((l) => `${l.key ?? ""} ${l.description} ${l.itemTotal}`)
          .sort(),
      };
    }

    const postedForm = (inv: InvoiceView) =>
      (inv.lines ?? [])
        .filter((l) => exact(l.amount).units !== 0n)
        .map((l) => `${inv.id}:${l.lineNo} ${l.description} ${l.amount}`);

    void test("month 1 invoiced to the cent, late usage on month 2's invoice, posted to the partner cloud once", async () => {
      const f = await fixtureOnce();
      const { h, w, accounts, close } = await openWorld();
      try {
        const { invoicing } = h.modules;
        const op = w.operator;
        await importFile(h, f.files.month1, "unbilled");
        await assignCustomers(h, w, f, accounts);
        assert.equal((await h.modules.billingPricing.settings.current()).label, LABEL);

        // Month 1, drafted and finalized in January: one line per account, equal to the independent figures.
        h.clock.set(new Date(`${M2}-02T09:00:00Z`));
        const month1 = new Map<string, InvoiceView>();
        for (const a of accounts) {
          const draft = must(await invoicing.draft(op, a.id, M1));
          const fin = must(await invoicing.finalize(op, draft.id));
          assert.equal(fin.state, "finalized");
          assert.match(fin.number ?? "", /^PC-202612-\d{6}$/);
          assert.equal(fin.currency, a.currency);
          assert.equal(fin.orgId, a.orgId);
          assert.equal(fin.costCenterId, a.costCenterId, `${a.alias}: invoiced to its cost center`);
          assert.equal(fin.basis, "estimate");
          assert.equal(fin.lines?.length, 1, `${a.alias}: one usage line`);
          const figures = expectedOf(f, f.rows.month1, a);
          assertLine(
            fin.lines?.[0],
            { description: LABEL, servicePeriod: M1, figures, currency: a.currency },
            `${a.alias} ${M1}`,
          );
          assert.equal(fin.lines?.[0]?.rowCount, figures.rows);
          assert.equal(fin.total, totalOf(fin, a.currency));
          assert.deepEqual(draft.lines, fin.lines, `${a.alias}: finalizing changed nothing`);
          month1.set(a.id, fin);
        }
        // Each line's detail: the customers' shares add up to the line exactly, and every row names its rate.
        for (const a of accounts) {
          const inv = month1.get(a.id);
          assert.ok(inv);
          const detail = must(
            await invoicing.lineDetail(op, inv.id, 1, { rows: false, page: { limit: 500 } }),
          );
          const shares = detail.customers ?? [];
          assert.ok(shares.length > 0, `${a.alias}: customers' shares`);
          const sum = shares.reduce((t, c) => plus(t, exact(c.amount)), exact("0"));
          assert.ok(sameNumber(sum, exact(inv.lines?.[0]?.amount ?? "0")), `${a.alias}: shares add up`);
          const rows = must(await invoicing.lineDetail(op, inv.id, 1, { rows: true, page: { limit: 5 } }));
          for (const r of rows.rows?.items ?? []) {
            assert.equal(r.exchangeRate.to, a.currency);
            assert.equal(r.exchangeRate.source, "microsoft");
          }
          // One customer-day's rows, asked for by name: all of that day, none of another, adding up to the day.
          const days = detail.days?.items ?? [];
          const day = days[Math.floor(days.length / 2)];
          assert.ok(day, `${a.alias}: a customer-day`);
          const filter = { customerId: day.customerId, usageDate: day.usageDate };
          const ofDay = must(
            await invoicing.lineDetail(op, inv.id, 1, { rows: true, page: { limit: 500 }, filter }),
          );
          const dayRows = ofDay.rows?.items ?? [];
          assert.ok(dayRows.length > 0 && ofDay.rows?.nextCursor === null, `${a.alias}: the day's rows`);
          assert.ok(dayRows.every((r) => r.customerId === day.customerId && r.usageDate === day.usageDate));
          assert.ok(
            sameNumber(
              dayRows.reduce((t, r) => plus(t, exact(r.customerPrice)), exact("0")),
              exact(day.customerPrice),
            ),
            `${a.alias}: the day's rows add up to the day`,
          );
          const onlyDay = must(
            await invoicing.lineDetail(op, inv.id, 1, { rows: false, page: { limit: 500 }, filter }),
          );
          assert.deepEqual(onlyDay.days?.items, [day]);
        }
        // Without a plan (organization B) the line is the generator's own rounded list price, summed per account.
        const jp = accountIn(accounts, "JPY");
        const jpExpected = f.customers
          .filter((c) => c.billingCurrency === "JPY")
          .reduce((t, c) => plus(t, exact(c.byUsageMonth[M1]?.listPriceInBillingCurrency ?? "")), exact("0"));
        assert.equal(month1.get(jp.id)?.total, rounded(jpExpected, 0));

        // A later download of month 1 (a latent row, a restatement lowering a day), then month 2.
        const later = await importFile(h, f.files.late, "unbilled");
        assert.equal(later.snapshotsCreated, 2, "only the two changed customer-days get a new version");
        await importFile(h, f.files.month2, "unbilled");
        for (const a of accounts) {
          const again = must(await invoicing.get(op, month1.get(a.id)?.id ?? ""));
          assert.equal(
            fingerprint(again),
            fingerprint(month1.get(a.id) as InvoiceView),
            `${a.alias}: month 1 kept`,
          );
          const redraft = await invoicing.draft(op, a.id, M1);
          assert.equal(redraft.ok ? "ok" : redraft.error.code, "invoice_finalized");
        }

        h.clock.set(new Date("2027-02-02T09:00:00Z"));
        const month2 = new Map<string, InvoiceView>();
        const updates = new Map<string, string>();
        for (const a of accounts) {
          const draft = must(await invoicing.draft(op, a.id, M2));
          assertLine(
            draft.lines?.[0],
            {
              description: LABEL,
              servicePeriod: M2,
              figures: expectedOf(f, f.rows.month2, a),
              currency: a.currency,
            },
            `${a.alias} ${M2}`,
          );
          const before = expectedOf(f, f.rows.month1, a);
          const now = expectedOf(f, f.rows.late, a);
          const difference: LineFigures = {
            customerPrice: minus(now.customerPrice, before.customerPrice),
            listPrice: minus(now.listPrice, before.listPrice),
            partnerCost: minus(now.partnerCost, before.partnerCost),
            rows: now.rows,
          };
          const update = draft.lines?.[1];
          if (difference.customerPrice.units === 0n) assert.equal(update, undefined, `${a.alias}: no update`);
          else
            assertLine(
              update,
              {
                description: "Update to Previous Month (December 2026)",
                servicePeriod: M1,
                figures: difference,
                currency: a.currency,
              },
              `${a.alias} update`,
            );
          assert.equal(draft.lines?.length, update ? 2 : 1);
          updates.set(a.alias, update?.amount ?? "none");
          const fin = must(await invoicing.finalize(op, draft.id));
          if (update) {
            // Each customer's share of the update is what its days changed by since month 1 was billed.
            const detail = must(
              await invoicing.lineDetail(op, fin.id, update.lineNo, { rows: false, page: { limit: 500 } }),
            );
            const changed = f.customers
              .filter((c) => c.billingCurrency === a.currency)
              .map((c) => {
                const of = (rows: readonly UsageRecord[]) =>
                  figuresOf(
                    settled(rows).filter((r) => field(r, "CustomerId") === c.customerId),
                    a.currency,
                    a.plan,
                  ).customerPrice;
                return { customerId: c.customerId, change: minus(of(f.rows.late), of(f.rows.month1)) };
              })
              .filter((c) => c.change.units !== 0n);
            const shares = detail.customers ?? [];
            assert.deepEqual(
              shares.filter((c) => exact(c.exact).units !== 0n).map((c) => c.customerId),
              changed.map((c) => c.customerId).sort(),
              `${a.alias}: the customers whose days changed`,
            );
            for (const c of changed) {
              const share = shares.find((x) => x.customerId === c.customerId);
              assert.ok(
                share && sameNumber(exact(share.exact), c.change),
                `${a.alias} ${c.customerId}: change`,
              );
            }
            const sum = shares.reduce((t, c) => plus(t, exact(c.amount)), exact("0"));
            assert.ok(sameNumber(sum, exact(update.amount)), `${a.alias}: update shares add up`);
          }
          assert.deepEqual(fin.lines, draft.lines);
          assert.equal(fin.total, totalOf(fin, a.currency));
          month2.set(a.id, fin);
        }
        const pcld = updates.get("PCLD") ?? "";
        const pcjp = updates.get("PCJP") ?? "";
        assert.ok(exact(pcld).units > 0n, `the latent row bills more: ${pcld}`);
        assert.ok(exact(pcjp).units < 0n, `the lowered day is credited: ${pcjp}`);
        assert.equal(
          updates.get("PCUK"),
          "none",
          "an account whose month 1 did not change has no update line",
        );

        // Posting: each non-zero line once on the account's partner-cloud invoice of the document's month.
        const docs = [...month1.values(), ...month2.values()];
        const ids = new Set(docs.map((d) => d.id));
        for (const d of docs) assert.equal(must(await invoicing.post(op, d.id)).postState, "posted");
        const read = async () => {
          const out = new Map<string, Awaited<ReturnType<typeof remoteLines>>>();
          for (const a of accounts)
            for (const m of [M1, M2]) out.set(`${a.alias} ${m}`, await remoteLines(h, a.alias, m, ids));
          return out;
        };
        const first = await read();
        for (const a of accounts)
          for (const [m, docsOf] of [
            [M1, month1],
            [M2, month2],
          ] as const) {
            const doc = docsOf.get(a.id);
            assert.ok(doc);
            assert.deepEqual(first.get(`${a.alias} ${m}`)?.ours, postedForm(doc).sort(), `${a.alias} ${m}`);
          }
        for (const d of docs) assert.equal(must(await invoicing.post(op, d.id)).postState, "posted");
        assert.deepEqual(await read(), first, "posting again adds nothing");
      } finally {
        await close();
      }
    });

    void test("in arrears, month 1 is invoiced only once Microsoft's billed data makes it final", async () => {
      const f = await fixtureOnce();
      const { h, w, accounts, close } = await openWorld();
      try {
        const { invoicing } = h.modules;
        must(
          await h.modules.billingPricing.settings.update(w.operator, {
            label: LABEL,
            splitServices: false,
            timing: "arrears",
          }),
        );
        await importFile(h, f.files.month1, "unbilled");
        await assignCustomers(h, w, f, accounts);
        h.clock.set(new Date(`${M2}-02T09:00:00Z`));

        const waiting = await invoicing.closeMonths();
        assert.equal(waiting.finalized, 0);
        assert.equal(waiting.waiting, accounts.length);
        const states = await h.modules.billingUsage.monthStates(M1);
        assert.ok(states.every((s) => s.state === "provisional"));

        // Microsoft's invoice: the billed rows of month 1 (the later download's, which settle the same way).
        const billed = await importFile(h, f.files.late, "billed");
        const final = await h.modules.billingUsage.monthStates(M1);
        assert.equal(final.length, f.customers.length);
        for (const s of final) {
          assert.equal(s.state, "final", `${s.customerId}: final`);
          assert.equal(s.finalImportId, billed.id);
        }
        const closed = await invoicing.closeMonths();
        assert.equal(closed.finalized, accounts.length);
        assert.equal(closed.posted, accounts.length);

        const ids = new Set<string>();
        for (const a of accounts) {
          const [row] = must(
            await invoicing.list(w.operator, a.orgId, { billingAccountId: a.id, period: M1 }, { limit: 10 }),
          ).items;
          assert.ok(row, `${a.alias}: invoiced`);
          const inv = must(await invoicing.get(w.operator, row.id));
          assert.equal(inv.state, "finalized");
          assert.equal(inv.basis, "final");
          assert.equal(inv.postState, "posted");
          assert.equal(inv.lines?.length, 1);
          assertLine(
            inv.lines?.[0],
            {
              description: LABEL,
              servicePeriod: M1,
              figures: expectedOf(f, f.rows.late, a),
              currency: a.currency,
            },
            `${a.alias} ${M1} in arrears`,
          );
          ids.add(inv.id);
          assert.deepEqual((await remoteLines(h, a.alias, M1, ids)).ours, postedForm(inv).sort());
        }
        const again = await invoicing.closeMonths();
        assert.equal(again.finalized + again.posted, 0, "a second close does nothing");
      } finally {
        await close();
      }
    });
  });
}

function accountIn(accounts: readonly Account[], currency: string): Account {
  const a = accounts.find((x) => x.currency === currency);
  assert.ok(a, `an account billing in ${currency}`);
  return a;
}
