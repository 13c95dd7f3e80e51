import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, test } from "node:test";
import {
  expectedFileOf,
  generateUsageFile,
  usageCommand,
  type GenerateOptions,
} from "../src/emulator/usage-generator/index.ts";
import { billingCommand } from "../src/modules/billing/engine/index.ts";

/** Partner Center's daily rated usage columns in file order, as billing-data.md §1.2 lists them. */
const PARTNER_CENTER_HEADERS = [
  "PartnerId",
  "PartnerName",
  "CustomerId",
  "CustomerName",
  "CustomerDomainName",
  "CustomerCountry",
  "MpnId",
  "Tier2MpnId",
  "InvoiceNumber",
  "ProductId",
  "SkuId",
  "AvailabilityId",
  "SkuName",
  "ProductName",
  "PublisherName",
  "PublisherId",
  "SubscriptionDescription",
  "SubscriptionId",
  "ChargeStartDate",
  "ChargeEndDate",
  "UsageDate",
  "MeterType",
  "MeterCategory",
  "MeterId",
  "MeterSubCategory",
  "MeterName",
  "MeterRegion",
  "Unit",
  "ResourceLocation",
  "ConsumedService",
  "ResourceGroup",
  "ResourceURI",
  "ChargeType",
  "UnitPrice",
  "Quantity",
  "UnitType",
  "BillingPreTaxTotal",
  "BillingCurrency",
  "PricingPreTaxTotal",
  "PricingCurrency",
  "ServiceInfo1",
  "ServiceInfo2",
  "Tags",
  "AdditionalInfo",
  "EffectiveUnitPrice",
  "PCToBCExchangeRate",
  "PCToBCExchangeRateDate",
  "EntitlementId",
  "EntitlementDescription",
  "PartnerEarnedCreditPercentage",
  "CreditPercentage",
  "CreditType",
  "BenefitOrderId",
  "BenefitId",
  "BenefitType",
];

type Row = Record<string, string>;
type Parsed = { header: string[]; rows: Row[]; lines: string[] };

/** RFC 4180, read the plain way: quoted fields with doubled quotes, CRLF line ends. */
function parseCsv(text: string): Parsed {
  const records: string[][] = [];
  const lines: string[] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      lines.push(text.slice(start, i));
      record = [];
      field = "";
      i++;
      start = i + 1;
    } else field += c;
  }
  assert.equal(field + record.join(""), "", "the file ends with CRLF");
  const [header = [], ...body] = records;
  return {
    header,
    lines: lines.slice(1),
    rows: body.map((fields) => {
      assert.equal(fields.length, header.length, `a row of ${fields.length} fields`);
      return Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ""]));
    }),
  };
}

/** A decimal's digits as a BigInt at `scale` decimals. */
function units(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const [whole = "0", decimals = ""] = text.replace(/^-/, "").split(".");
  assert.ok(decimals.length <= scale, `${text} has more than ${scale} decimals`);
  const value = BigInt(`${whole}${decimals.padEnd(scale, "0")}`);
  return negative ? -value : value;
}

const naturalKey = (r: Row) =>
  [
    r["CustomerId"],
    r["EntitlementId"],
    r["MeterId"],
    r["ProductId"],
    r["SkuId"],
    r["AvailabilityId"],
    r["ResourceURI"],
    r["UsageDate"],
    r["ChargeType"],
  ].join("|");

/** Per customer, exact sums at 40 decimals: list, partner cost, billing total, list in the billing currency. */
type Sums = { rows: number; list: bigint; partner: bigint; billing: bigint; listInBilling: bigint };
const S = 40;
function sumsOf(rows: Iterable<Row>): Map<string, Sums> {
  const by = new Map<string, Sums>();
  for (const r of rows) {
    const id = r["CustomerId"] ?? "";
    const s = by.get(id) ?? { rows: 0, list: 0n, partner: 0n, billing: 0n, listInBilling: 0n };
    const quantity = units(r["Quantity"] ?? "", 12);
    const list = units(r["UnitPrice"] ?? "", 24) * quantity; // 36 decimals
    s.rows += 1;
    s.list += list * 10n ** 4n;
    s.partner += units(r["EffectiveUnitPrice"] ?? "", 28) * quantity;
    s.billing += units(r["BillingPreTaxTotal"] ?? "", S);
    s.listInBilling += list * units(r["PCToBCExchangeRate"] ?? "", 4);
    by.set(id, s);
  }
  return by;
}

type ExpectedSums = {
  rows: number;
  listPrice: string;
  partnerCost: string;
  billingTotal: string;
  listPriceInBillingCurrency: string;
  listPriceInBillingCurrencyRounded: string;
};
type Expected = {
  seed: number;
  rowCounts: Record<string, number>;
  customers: (ExpectedSums & {
    customerId: string;
    billingCurrency: string;
    minorUnits: number;
    asWritten: ExpectedSums;
    byUsageMonth: Record<string, ExpectedSums>;
  })[];
};

function assertSums(actual: Sums | undefined, expected: ExpectedSums, what: string) {
  assert.ok(actual, what);
  assert.equal(actual.rows, expected.rows, `${what}: rows`);
  assert.equal(actual.list, units(expected.listPrice, S), `${what}: list price`);
  assert.equal(actual.partner, units(expected.partnerCost, S), `${what}: partner cost`);
  assert.equal(actual.billing, units(expected.billingTotal, S), `${what}: billing total`);
  assert.equal(
    actual.listInBilling,
    units(expected.listPriceInBillingCurrency, S),
    `${what}: list in billing`,
  );
}

const dir = mkdtempSync(path.join(os.tmpdir(), "usage-generator-"));
const SHARES = { late: 0.01, restated: 0.002, duplicates: 0.001, corrections: 0.0005, pecChanges: 0.05 };
let fileCount = 0;

async function generate(options: Partial<GenerateOptions> = {}) {
  const file = path.join(dir, `usage-${++fileCount}.csv`);
  const summary = await generateUsageFile(
    {
      seed: 6,
      months: ["2025-03"],
      size: { customers: 4 },
      shares: SHARES,
      currencies: ["USD", "EUR", "GBP", "JPY"],
      ...options,
    },
    file,
  );
  const expectedText = readFileSync(expectedFileOf(file), "utf8");
  return {
    file,
    summary,
    bytes: () => readFileSync(file),
    expectedText,
    expected: JSON.parse(expectedText) as Expected,
    csv: () => parseCsv(readFileSync(file, "utf8")),
  };
}

void describe("pcloud usage generate: a seeded synthetic Partner Center usage file with golden totals", () => {
  /** A month with irregularities well above their defaults, so each can be counted. */
  type Generated = Awaited<ReturnType<typeof generate>>;
  let irregular: Omit<Generated, "csv"> & { csv: Parsed };
  const RATES = { late: 0.04, restated: 0.03, duplicates: 0.02, corrections: 0.01, pecChanges: 0.5 };
  before(async () => {
    const generated = await generate({ seed: 5, size: { customers: 10 }, shares: RATES });
    irregular = { ...generated, csv: generated.csv() };
  });

  void test("the same seed and options write the same bytes; another seed writes others; more customers extend the file", async () => {
    const a = (await generate()).bytes();
    const again = await generate();
    assert.ok(a.equals(again.bytes()), "same CSV bytes");
    const first = (await generate()).expectedText;
    assert.equal(first.replace(/usage-\d+\.csv/, ""), again.expectedText.replace(/usage-\d+\.csv/, ""));
    assert.ok(!a.equals((await generate({ seed: 5 })).bytes()));
    const more = (await generate({ size: { customers: 6 } })).bytes();
    assert.ok(more.subarray(0, a.length).equals(a), "a customer never depends on later ones");
  });

  void test("the file has Partner Center's 55 headers in file order, and every row all 55 fields", () => {
    assert.deepEqual(irregular.csv.header, PARTNER_CENTER_HEADERS);
    assert.equal(irregular.csv.header.length, 55);
    assert.ok(irregular.csv.rows.length > 5000, `${irregular.csv.rows.length} rows`);
    assert.equal(irregular.csv.rows.length, irregular.expected.rowCounts["written"]);
  });

  void test("duplicates, restatements, corrections and late rows appear at the asked rates, where a reader meets them", () => {
    const { rows, lines } = irregular.csv;
    const month = "2025-03";
    let duplicates = 0;
    let restated = 0;
    let corrections = 0;
    let late = 0;
    const seen = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] ?? {};
      const key = naturalKey(r);
      if (i > 0 && lines[i] === lines[i - 1]) duplicates++;
      else if (seen.has(key)) {
        restated++;
        const first = rows[seen.get(key) ?? 0] ?? {};
        assert.equal(first["CustomerId"], r["CustomerId"], "a restatement comes in its customer's block");
        assert.notEqual(lines[seen.get(key) ?? 0], lines[i], "with new values");
      } else if (r["ChargeType"] === "refund") {
        corrections++;
        assert.ok(r["Quantity"]?.startsWith("-") && r["BillingPreTaxTotal"]?.startsWith("-"), "negative");
      } else if (!r["UsageDate"]?.startsWith(month)) {
        late++;
        assert.ok(r["UsageDate"]?.startsWith("2025-02"), "latent usage of the month before");
        assert.equal(r["ChargeStartDate"], "2025-02-01T00:00:00Z", "billed with its own cycle's dates");
        assert.equal(r["ChargeEndDate"], "2025-02-28T23:59:59Z");
      }
      if (!seen.has(key)) seen.set(key, i);
    }
    const usage = rows.length - duplicates - restated - corrections - late;
    const counts = irregular.expected.rowCounts;
    assert.deepEqual(
      { duplicates, restated, corrections, late, usage },
      {
        duplicates: counts["duplicate"],
        restated: counts["restated"],
        corrections: counts["correction"],
        late: counts["late"],
        usage: counts["usage"],
      },
    );
    const near = (count: number, rate: number, what: string) =>
      assert.ok(
        Math.abs(count / usage - rate) <= rate * 0.25,
        `${what}: ${count} of ${usage}, asked ${rate}`,
      );
    near(duplicates, RATES.duplicates, "duplicates");
    near(restated, RATES.restated, "restated");
    near(corrections, RATES.corrections, "corrections");
    near(late, RATES.late, "late");
  });

  void test("the golden totals equal a plain recomputation from the file: last row per natural key wins, every row as written", () => {
    const settled = new Map<string, Row>();
    for (const r of irregular.csv.rows) settled.set(naturalKey(r), r);
    const bySettled = sumsOf(settled.values());
    const byWritten = sumsOf(irregular.csv.rows);
    assert.equal(irregular.expected.customers.length, 10);
    for (const c of irregular.expected.customers) {
      assertSums(bySettled.get(c.customerId), c, `${c.customerId} settled`);
      assertSums(byWritten.get(c.customerId), c.asWritten, `${c.customerId} as written`);
      const months = Object.keys(c.byUsageMonth);
      assert.deepEqual(months, ["2025-02", "2025-03"].slice(2 - months.length));
    }
  });

  void test("prices and quantities are as precise as Partner Center's: unit prices of 16 significant digits, quantities of 6 to 10 decimals, PEC changing mid-month", () => {
    const { rows } = irregular.csv;
    const digits = (text: string) => text.replace(/^-?0*\.?0*/, "").replace(".", "").length;
    const full = rows.filter((r) => digits(r["UnitPrice"] ?? "") === 16).length;
    assert.ok(full / rows.length > 0.99, `${full} of ${rows.length} unit prices have 16 significant digits`);
    const decimals = new Set(rows.map((r) => (r["Quantity"] ?? "").split(".")[1]?.length ?? 0));
    assert.ok(
      [...decimals].every((d) => d >= 6 && d <= 10),
      [...decimals].join(","),
    );
    assert.ok(decimals.size >= 4);
    assert.ok(
      rows.some((r) => Number(r["Quantity"]) === 1e-9),
      "a tiny one",
    );
    assert.ok(
      rows.some((r) => /^0\.0+$/.test(r["Quantity"] ?? "")),
      "a zero one",
    );
    assert.ok(rows.every((r) => (r["ResourceURI"] ?? "").length <= 300));
    assert.ok(
      rows.some((r) => (r["ResourceURI"] ?? "").length > 250),
      "long ARM ids",
    );

    // A resource's meter earning PEC on some days of the month and not on others: two effective prices.
    const segments = new Map<string, Set<string>>();
    for (const r of rows.filter((x) => x["ChargeType"] === "new" && x["UsageDate"]?.startsWith("2025-03"))) {
      const key = `${r["EntitlementId"]}|${r["MeterId"]}|${r["ResourceURI"]}`;
      const set = segments.get(key) ?? new Set();
      set.add(`${r["PartnerEarnedCreditPercentage"]}@${r["EffectiveUnitPrice"]}`);
      segments.set(key, set);
    }
    const changed = [...segments.values()].filter((s) => s.size === 2);
    assert.ok(changed.length > 0, "some meter's PEC changes mid-month");
    for (const s of changed) assert.deepEqual([...s].map((x) => x.split("@")[0]).sort(), ["0", "15"]);
    const pec = rows.find((r) => r["PartnerEarnedCreditPercentage"] === "15");
    assert.ok(pec);
    assert.equal(
      units(pec["EffectiveUnitPrice"] ?? "", 30),
      units(pec["UnitPrice"] ?? "", 28) * 85n,
      "EffectiveUnitPrice = UnitPrice × (1 − 15 %), exactly",
    );
  });

  void test("text fields survive CSV escaping: commas, quotes, non-ASCII letters and keys differing by a leading space", () => {
    const { rows } = irregular.csv;
    const tags = rows.map((r) => r["Tags"] ?? "");
    assert.ok(tags.some((t) => t === "{}"));
    assert.ok(
      tags.some((t) => t.includes('"Ærø, \\"north\\" wing"')),
      "a quote and a comma inside a tag",
    );
    assert.ok(
      tags.some((t) => t.includes('" Environment"')),
      "a key with a leading space",
    );
    for (const t of tags) assert.doesNotThrow(() => JSON.parse(t));
    assert.ok(
      rows.some((r) => /[A-Z]/.test(r["ResourceGroup"] ?? "")),
      "mixed-case resource groups",
    );
  });

  void test("a JPY customer is billed in whole yen: its rounded invoice figure has no decimals", async () => {
    const generated = await generate({ seed: 6, size: { customers: 2 }, currencies: ["JPY", "USD"] });
    const jpy = { ...generated, csv: generated.csv() };
    const customer = jpy.expected.customers[0];
    assert.ok(customer);
    assert.equal(customer.billingCurrency, "JPY");
    assert.equal(customer.minorUnits, 0);
    assert.match(customer.listPriceInBillingCurrencyRounded, /^\d+$/);
    assert.match(jpy.expected.customers[1]?.listPriceInBillingCurrencyRounded ?? "", /^\d+\.\d{2}$/);
    const rows = jpy.csv.rows.filter((r) => r["BillingCurrency"] === "JPY");
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r["CustomerCountry"] === "JP" && r["PricingCurrency"] === "USD"));
    const rate = Number(rows[0]?.["PCToBCExchangeRate"]);
    assert.ok(rate > 140 && rate < 165, `a yen rate, ${rate}`);
  });

  void test("a row late for January comes with February's data, not January's; a range carries on its first month", async () => {
    const shares = { ...SHARES, late: 0.05, restated: 0, duplicates: 0, corrections: 0 };
    const keysOf = async (months: string[]) =>
      (await generate({ seed: 8, months, size: { customers: 2 }, shares })).csv().rows.map(naturalKey);
    const january = await keysOf(["2025-01"]);
    const range = await keysOf(["2025-01", "2025-02"]);
    assert.equal(new Set(range).size, range.length, "no natural key twice");
    const inJanuary = new Set(january);
    const inRange = new Set(range);
    assert.ok(
      january.every((k) => inRange.has(k)),
      "January's data is the same in the range",
    );
    const withFebruary = range.filter((k) => !inJanuary.has(k));
    const lateForJanuary = withFebruary.filter((k) => k.includes("|2025-01-"));
    assert.ok(lateForJanuary.length > 0, "January's late rows arrive with February's");
    assert.ok(withFebruary.every((k) => k.includes("|2025-01-") || k.includes("|2025-02-")));
  });

  void test("pcloud usage generate writes the file and prints where, with its expected totals; a wrong option is refused by name", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    };
    const file = path.join(dir, "cli.csv");
    const code = await usageCommand(
      [
        "generate",
        "--out",
        file,
        "--seed",
        "4",
        "--customers",
        "2",
        "--month",
        "2025-04",
        "--currencies",
        "EUR,JPY",
      ],
      io,
    );
    assert.equal(code, 0, err.join(""));
    const text = out.join("");
    assert.match(text, new RegExp(`to ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`));
    assert.match(text, /Expected totals: .*cli\.expected\.json/);
    assert.match(text, /^ {2}EUR {2}1 customer .* EUR$/m);
    assert.match(text, /^ {2}JPY {2}1 customer .* at list \d+ JPY$/m);
    assert.equal(parseCsv(readFileSync(file, "utf8")).header.length, 55);

    for (const [args, named] of [
      [["--late", "1.5"], "--late"],
      [["--customers", "2", "--rows", "10"], "--customers or --rows"],
      [["--month", "2025-13"], "--month"],
      [["--month", "2025-05..2025-02"], "--month"],
      [["--currencies", "USD,XYZ"], "--currencies"],
      [["--seed", "x"], "--seed"],
      [["--colour", "red"], "colour"],
      [[], "--out"],
    ] as const) {
      err.length = 0;
      const refused = await usageCommand(
        ["generate", ...(named === "--out" ? [] : ["--out", file]), ...args],
        io,
      );
      assert.equal(refused, 2, args.join(" "));
      assert.ok(err.join("").includes(named), `${args.join(" ")}: ${err.join("")}`);
    }
  });

  void test("the product's billing engine reads every row and rates each customer to the generator's own figures", async () => {
    const out: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => undefined } };
    assert.equal(await billingCommand(["rate", irregular.file, "--json"], io), 0);
    const rated = JSON.parse(out.join("")) as {
      quarantined: number;
      customers: { customerId: string; customerPrice: string; invoiceLines: { amount: string }[] }[];
    };
    assert.equal(rated.quarantined, 0);
    for (const c of irregular.expected.customers) {
      const r = rated.customers.find((x) => x.customerId === c.customerId);
      assert.ok(r, c.customerId);
      // The engine sums every row it reads; settling duplicates and restatements is ingestion's job.
      assert.equal(units(r.customerPrice, S), units(c.asWritten.listPriceInBillingCurrency, S));
      assert.equal(r.invoiceLines[0]?.amount, c.asWritten.listPriceInBillingCurrencyRounded);
    }
  });
});
