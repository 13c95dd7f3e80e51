import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  add,
  equals,
  multiply,
  negate,
  parseDecimal,
  ZERO,
  type Decimal,
} from "../src/modules/billing/engine/index.ts";
import type { BillingUsage } from "../src/modules/billing/usage/index.ts";
import type { Database } from "../src/platform/db/open-database.ts";
import { generateUsageFile } from "../src/emulator/usage-generator/index.ts";
import { backends } from "./support/databases.ts";
import { generatedMonth, storedState, usageStore, type ExpectedCustomer } from "./support/usage-store.ts";

const amount = (text: string): Decimal => {
  const d = parseDecimal(text);
  assert.ok(d, `${text} is a decimal`);
  return d;
};

/** Per customer, the current rows of March: how many and their list price (UnitPrice × Quantity, USD). */
async function settledTotals(usage: BillingUsage) {
  const snapshots = await usage.currentSnapshots({ month: "2025-03" });
  const totals = new Map<string, { rows: number; listPrice: Decimal; partnerCost: Decimal }>();
  for await (const row of usage.snapshotRows(snapshots.map((s) => s.id))) {
    const t = totals.get(row.customerId) ?? { rows: 0, listPrice: ZERO, partnerCost: ZERO };
    t.rows++;
    t.listPrice = add(t.listPrice, multiply(amount(row.unitPrice), amount(row.quantity)));
    t.partnerCost = add(t.partnerCost, multiply(amount(row.effectiveUnitPrice), amount(row.quantity)));
    totals.set(row.customerId, t);
  }
  return totals;
}

/** A data line of the file (no quotes in it, so it can be edited as text) of a customer and month, and its fields. */
function plainLine(
  file: string,
  customerId: string,
  month = "2025-03",
): { header: string[]; fields: string[] } {
  const lines = readFileSync(file, "utf8").split("\r\n");
  const header = (lines[0] ?? "").split(",");
  const at = header.indexOf("CustomerId");
  const on = header.indexOf("UsageDate");
  const line = lines.find((l, i) => {
    const fields = l.split(",");
    return i > 0 && !l.includes('"') && fields[at] === customerId && (fields[on] ?? "").startsWith(month);
  });
  assert.ok(line, "a line without quoted fields");
  return { header, fields: line.split(",") };
}

for (const backend of backends()) {
  void describe(`the usage store imports daily rated usage files (${backend.name})`, () => {
    let month: { file: string; dir: string; expected: ExpectedCustomer[] };
    before(async () => {
      month = await generatedMonth(`import-${backend.name}`);
    });
    after(() => rmSync(month.dir, { recursive: true, force: true }));

    const withStore = async (run: (usage: BillingUsage, database: Database) => Promise<void>) => {
      const database = await backend.open();
      try {
        await run(usageStore(database, 500), database);
      } finally {
        await database.close();
      }
    };

    void test("a file settled by natural key equals the generator's settled totals; importing it again changes nothing", async () => {
      await withStore(async (usage, database) => {
        const first = await usage.importUsageFile(month.file, { kind: "unbilled", startedBy: "test" });
        assert.ok(first.ok, JSON.stringify(first));
        assert.equal(first.value.state, "done");
        assert.equal(first.value.rowsQuarantined, 0);
        assert.ok(first.value.snapshotsCreated > 0);
        const totals = await settledTotals(usage);
        assert.equal(totals.size, month.expected.length);
        for (const c of month.expected) {
          const t = totals.get(c.customerId);
          assert.ok(t, c.customerId);
          assert.equal(t.rows, c.rows, `${c.customerId}: rows once duplicates and restatements are settled`);
          assert.ok(equals(t.listPrice, amount(c.listPrice)), `${c.customerId}: list price`);
          assert.ok(equals(t.partnerCost, amount(c.partnerCost)), `${c.customerId}: partner cost`);
        }
        const before = await storedState(database, first.value.id);

        const again = await usage.importUsageFile(month.file, { kind: "unbilled", startedBy: "test" });
        assert.ok(again.ok);
        assert.equal(again.value.id, first.value.id, "the same file is the same import");
        assert.deepEqual(await storedState(database, first.value.id), before);
        const all = await database.query("SELECT count(*)::int AS n FROM usage_snapshots");
        assert.equal(all.rows[0]?.["n"], first.value.snapshotsCreated);
        const months = await usage.monthStates("2025-03");
        assert.deepEqual(
          months.map((m) => m.state),
          month.expected.map(() => "provisional"),
        );
      });
    });

    void test("a second file restating one row of one day makes version 2 of that day only", async () => {
      await withStore(async (usage) => {
        const first = await usage.importUsageFile(month.file, { kind: "unbilled", startedBy: "test" });
        assert.ok(first.ok);
        const customer = month.expected[0]?.customerId ?? "";
        const { header, fields } = plainLine(month.file, customer);
        const restated = [...fields];
        const q = header.indexOf("Quantity");
        restated[q] = "123.4567890";
        const second = path.join(month.dir, "restated.csv");
        copyFileSync(month.file, second);
        appendFileSync(second, `${restated.join(",")}\r\n`);
        const day = (fields[header.indexOf("UsageDate")] ?? "").slice(0, 10);

        const imported = await usage.importUsageFile(second, { kind: "unbilled", startedBy: "test" });
        assert.ok(imported.ok);
        assert.equal(imported.value.snapshotsCreated, 1);
        assert.equal(imported.value.snapshotsUnchanged, first.value.snapshotsCreated - 1);
        const current = await usage.currentSnapshots({ month: "2025-03", customerIds: [customer] });
        const changed = current.filter((s) => s.version > 1);
        assert.deepEqual(
          changed.map((s) => [s.usageDate, s.version]),
          [[day, 2]],
        );
        const [v2] = changed;
        assert.ok(v2);
        const quantities: string[] = [];
        for await (const row of usage.snapshotRows([v2.id])) quantities.push(row.quantity);
        assert.ok(quantities.includes("123.4567890"), "the last line of a key wins");
      });
    });

    void test("a billed import makes its months final and versions its days billed; unbilled data of those days is then ignored", async () => {
      await withStore(async (usage) => {
        const unbilled = await usage.importUsageFile(month.file, { kind: "unbilled", startedBy: "test" });
        assert.ok(unbilled.ok);
        const billedFile = path.join(month.dir, "billed.csv");
        copyFileSync(month.file, billedFile);
        const billed = await usage.importUsageFile(billedFile, {
          kind: "billed",
          microsoftInvoiceId: "G000000001",
          startedBy: "test",
        });
        assert.ok(billed.ok);
        assert.equal(
          billed.value.snapshotsCreated,
          unbilled.value.snapshotsCreated,
          "every day becomes billed",
        );
        const months = await usage.monthStates("2025-03");
        assert.ok(months.every((m) => m.state === "final" && m.finalImportId === billed.value.id));
        const current = await usage.currentSnapshots({ month: "2025-03" });
        assert.ok(current.every((s) => s.billed && s.version === 2));

        const customer = month.expected[0]?.customerId ?? "";
        const { header, fields } = plainLine(month.file, customer);
        fields[header.indexOf("Quantity")] = "999.5";
        const late = path.join(month.dir, "late-unbilled.csv");
        copyFileSync(month.file, late);
        appendFileSync(late, `${fields.join(",")}\r\n`);
        const ignored = await usage.importUsageFile(late, { kind: "unbilled", startedBy: "test" });
        assert.ok(ignored.ok);
        assert.equal(ignored.value.snapshotsCreated, 0);
        assert.equal(ignored.value.snapshotsUnchanged, current.length);
        assert.deepEqual(await usage.currentSnapshots({ month: "2025-03" }), current);
        assert.ok((await usage.monthStates("2025-03")).every((m) => m.state === "final"));
      });
    });

    void test("latent usage in the next month's download joins its days instead of replacing them, and a later download of the earlier month keeps it", async () => {
      await withStore(async (usage, database) => {
        // Two consecutive monthly downloads as Microsoft splits them: April's carries March's latent rows.
        const downloads = await Promise.all(
          ["2025-03", "2025-04"].map(async (m) => {
            const file = path.join(month.dir, `download-${m}.csv`);
            const summary = await generateUsageFile(
              {
                seed: 31,
                months: [m],
                size: { customers: 3 },
                shares: { late: 0.05, restated: 0, duplicates: 0.01, corrections: 0, pecChanges: 0.2 },
                currencies: ["USD", "EUR"],
              },
              file,
            );
            const expected = (
              JSON.parse(readFileSync(summary.expectedFile, "utf8")) as {
                customers: (ExpectedCustomer & { byUsageMonth: Record<string, ExpectedCustomer> })[];
              }
            ).customers;
            return { file, expected };
          }),
        );
        const [march, april] = downloads;
        assert.ok(march && april);
        const marchTruth = (ofFiles: (typeof downloads)[number][]) => {
          const truth = new Map<string, { rows: number; listPrice: Decimal }>();
          for (const d of ofFiles)
            for (const c of d.expected) {
              const part = c.byUsageMonth["2025-03"];
              if (!part) continue;
              const t = truth.get(c.customerId) ?? { rows: 0, listPrice: ZERO };
              truth.set(c.customerId, {
                rows: t.rows + part.rows,
                listPrice: add(t.listPrice, amount(part.listPrice)),
              });
            }
          return truth;
        };
        const assertMarch = async (
          truth: Map<string, { rows: number; listPrice: Decimal }>,
          what: string,
        ) => {
          const stored = await settledTotals(usage);
          assert.deepEqual([...stored.keys()].sort(), [...truth.keys()].sort(), what);
          for (const [customerId, t] of truth) {
            const got = stored.get(customerId);
            assert.equal(got?.rows, t.rows, `${what}: ${customerId} rows`);
            assert.ok(got && equals(got.listPrice, t.listPrice), `${what}: ${customerId} list price`);
          }
        };
        const imported = async (file: string) => {
          const r = await usage.importUsageFile(file, { kind: "unbilled", startedBy: "test" });
          assert.ok(r.ok, JSON.stringify(r));
          return r.value;
        };

        assert.equal((await imported(march.file)).billingPeriod, "2025-03");
        await assertMarch(marchTruth([march]), "March's own download");
        const aprilImport = await imported(april.file);
        assert.equal(aprilImport.billingPeriod, "2025-04", "the latest usage month of the download");
        const latentDays = Number(
          (
            await database.query(
              "SELECT count(*)::int AS n FROM usage_snapshots WHERE import_id = $1 AND month = '2025-03'",
              [aprilImport.id],
            )
          ).rows[0]?.["n"],
        );
        assert.ok(latentDays > 0, "April's download brought latent rows of March days");
        await assertMarch(marchTruth([march, april]), "March with April's latent rows");

        // A later download of March restating one row: March's own rows change, April's latent rows stay.
        const customer = march.expected[0]?.customerId ?? "";
        const { header, fields } = plainLine(march.file, customer);
        const original = amount(fields[header.indexOf("UnitPrice")] ?? "");
        const quantity = amount(fields[header.indexOf("Quantity")] ?? "");
        fields[header.indexOf("Quantity")] = "0";
        const later = path.join(month.dir, "download-2025-03-later.csv");
        copyFileSync(march.file, later);
        appendFileSync(later, `${fields.join(",")}\r\n`);
        const restated = await imported(later);
        assert.equal(restated.billingPeriod, "2025-03");
        assert.equal(restated.snapshotsCreated, 1, "only the restated day changes");
        const truth = marchTruth([march, april]);
        const t = truth.get(customer);
        assert.ok(t);
        truth.set(customer, {
          rows: t.rows,
          listPrice: add(t.listPrice, multiply(original, negate(quantity))),
        });
        await assertMarch(truth, "March restated, its latent rows kept");
      });
    });

    void test("bad rows are quarantined with their line and reason and the rest is kept; a file without the key's columns is refused naming them", async () => {
      await withStore(async (usage, database) => {
        const lines = readFileSync(month.file, "utf8").split("\r\n");
        const header = (lines[0] ?? "").split(",");
        const customer = month.expected[1]?.customerId ?? "";
        const { fields } = plainLine(month.file, customer);
        const set = (name: string, value: string) => {
          const copy = [...fields];
          copy[header.indexOf(name)] = value;
          return copy.join(",");
        };
        const bad = [
          set("Quantity", "12,5"), // one field too many
          set("Quantity", "twelve"),
          set("BillingCurrency", "EURO"),
        ];
        const file = path.join(month.dir, "bad-rows.csv");
        const good = lines.slice(1).filter((l) => l !== "");
        // A quote never closed swallows the lines after it, so it comes last.
        const unclosed = set("MeterName", '"unclosed');
        writeFileSync(file, [lines[0], ...bad, ...good, unclosed].map((l) => `${l}\r\n`).join(""));
        const imported = await usage.importUsageFile(file, { kind: "unbilled", startedBy: "test" });
        assert.ok(imported.ok, JSON.stringify(imported));
        const quarantined = await usage.quarantineOf(imported.value.id);
        assert.deepEqual(
          quarantined.slice(0, 3).map((q) => [q.line, q.code]),
          [
            [2, "field_count"],
            [3, "not_a_number"],
            [4, "unknown_currency"],
          ],
        );
        assert.match(quarantined[1]?.reason ?? "", /Quantity/);
        assert.match(quarantined[2]?.reason ?? "", /BillingCurrency/);
        assert.ok(
          quarantined.slice(3).some((q) => q.code === "malformed_quotes"),
          "the line with a quote never closed",
        );
        assert.equal(imported.value.rowsQuarantined, quarantined.length);
        const staged = await database.query(
          "SELECT count(*)::int AS n FROM usage_import_rows WHERE import_id = $1",
          [imported.value.id],
        );
        assert.ok((staged.rows[0]?.["n"] as number) >= good.length - 2, "the good rows are kept");
        const totals = await settledTotals(usage);
        for (const c of month.expected) assert.equal(totals.get(c.customerId)?.rows, c.rows, c.customerId);

        const noKey = path.join(month.dir, "no-key.csv");
        const drop = ["MeterId", "ChargeType"].map((n) => header.indexOf(n));
        writeFileSync(
          noKey,
          [lines[0], fields.join(",")]
            .map((l) =>
              (l ?? "")
                .split(",")
                .filter((_, i) => !drop.includes(i))
                .join(","),
            )
            .map((l) => `${l}\r\n`)
            .join(""),
        );
        const refused = await usage.importUsageFile(noKey, { kind: "unbilled", startedBy: "test" });
        assert.ok(!refused.ok);
        assert.equal(refused.error.code, "usage_columns_missing");
        assert.deepEqual(refused.error.details?.["missing"], ["MeterId", "ChargeType"]);
        const again = await usage.importUsageFile(noKey, { kind: "unbilled", startedBy: "test" });
        assert.ok(!again.ok && again.error.code === "usage_columns_missing", "refused again, the same way");
      });
    });
  });
}
