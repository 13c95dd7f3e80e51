import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { formatDecimal } from "./decimal.ts";
import { CONTOSO, FABRIKAM, usageCsv, type UsageRowValues } from "./test-usage-csv.ts";
import {
  DAILY_RATED_USAGE_COLUMNS,
  readDailyRatedUsage,
  UsageCsvParser,
  type QuarantinedRow,
  type UsageLine,
} from "./usage-csv.ts";

type Read = { lines: UsageLine[]; quarantined: QuarantinedRow[]; error: string | null };

/** Feeds the file to the parser in chunks of `chunkSize` bytes (every size cuts records at other places). */
function read(file: string | Buffer, chunkSize = 64 * 1024): Read {
  const bytes = typeof file === "string" ? Buffer.from(file, "utf8") : file;
  const lines: UsageLine[] = [];
  const quarantined: QuarantinedRow[] = [];
  const parser = new UsageCsvParser({ line: (l) => lines.push(l), quarantine: (q) => quarantined.push(q) });
  for (let at = 0; at < bytes.length; at += chunkSize) parser.push(bytes.subarray(at, at + chunkSize));
  const result = parser.end();
  return { lines, quarantined, error: result.ok ? null : result.error.message };
}

/** What rating reads of a line, as text, for comparisons. */
const seen = (l: UsageLine) => ({
  line: l.line,
  customerId: l.customerId,
  customerName: l.customerName,
  usageDate: l.usageDate,
  meterCategory: l.meterCategory,
  unitPrice: formatDecimal(l.unitPrice),
  quantity: formatDecimal(l.quantity),
  effectiveUnitPrice: formatDecimal(l.effectiveUnitPrice),
  pricingCurrency: l.pricingCurrency,
  billingCurrency: l.billingCurrency,
  pcToBCExchangeRate: formatDecimal(l.pcToBCExchangeRate),
  pcToBCExchangeRateDate: l.pcToBCExchangeRateDate,
});

const tricky: UsageRowValues[] = [
  { CustomerName: 'Contoso, "the" Ltd', Quantity: "23.350007", UnitPrice: "0.0209951014286867" },
  {
    CustomerId: FABRIKAM,
    CustomerName: "Fabrikam\r\nGmbH",
    BillingCurrency: "EUR",
    PCToBCExchangeRate: "0.9213",
    Tags: '{"env":"prod","owner":"a, b","note":"line1\nline2"}',
    EffectiveUnitPrice: "0.1999968000511991808131",
  },
  {
    MeterCategory: "Storage",
    Quantity: "1.5E-07",
    UsageDate: "05/31/2024",
    PCToBCExchangeRateDate: "4/30/2024 12:00:00 AM",
  },
];

void test("quoted fields keep their commas, quotes and line breaks, and later lines keep their numbers", () => {
  const { lines, quarantined, error } = read(usageCsv(tricky));
  assert.equal(error, null);
  assert.deepEqual(quarantined, []);
  assert.deepEqual(
    lines.map((l) => [l.line, l.customerName, l.customerId, formatDecimal(l.quantity)]),
    [
      [2, 'Contoso, "the" Ltd', CONTOSO, "23.350007"],
      [3, "Fabrikam\r\nGmbH", FABRIKAM, "24"],
      [6, "Contoso Ltd", CONTOSO, "0.00000015"],
    ],
  );
  const [first, second, third] = lines.map(seen);
  assert.equal(first?.unitPrice, "0.0209951014286867");
  assert.equal(second?.effectiveUnitPrice, "0.1999968000511991808131");
  assert.equal(second?.billingCurrency, "EUR");
  assert.equal(second?.pcToBCExchangeRate, "0.9213");
  assert.deepEqual(
    [third?.usageDate, third?.pcToBCExchangeRateDate, third?.meterCategory],
    ["2024-05-31", "2024-04-30", "Storage"],
  );
});

void test("LF or CRLF, with or without a byte order mark or a last line break, read the same", () => {
  const expected = read(usageCsv(tricky)).lines.map(seen);
  for (const variant of [
    usageCsv(tricky, { eol: "\n" }),
    usageCsv(tricky, { bom: true }),
    usageCsv(tricky, { eol: "\n", bom: true }).trimEnd(),
    usageCsv(tricky).replace(/\r\n$/, ""),
  ])
    assert.deepEqual(read(variant).lines.map(seen), expected);
});

void test("records cut anywhere between chunks read the same", () => {
  const file = usageCsv(tricky, { bom: true });
  const expected = read(file).lines.map(seen);
  for (const size of [1, 2, 3, 5, 7, 64, 333])
    assert.deepEqual(read(file, size).lines.map(seen), expected, `chunks of ${size}`);
});

void test("columns are found by name, in any order, case and spacing", () => {
  const withoutLine = (l: UsageLine) => ({ ...seen(l), line: 0 });
  const expected = read(usageCsv(tricky)).lines.map(withoutLine);
  const reversed = [...DAILY_RATED_USAGE_COLUMNS].reverse();
  const shuffled = [...DAILY_RATED_USAGE_COLUMNS].sort(
    (a, b) => ((a.length * 7919) % 13) - ((b.length * 7919) % 13) || a.localeCompare(b),
  );
  for (const columns of [reversed, shuffled])
    assert.deepEqual(read(usageCsv(tricky, { columns })).lines.map(withoutLine), expected);
  const renamed = usageCsv(tricky).replace(/^[^\r]*/, (header) =>
    header
      .replace("CustomerId", "Customer Id")
      .replace("UnitPrice", "UNITPRICE")
      .replace("PCToBCExchangeRate,", "pc to bc exchange rate,"),
  );
  assert.deepEqual(read(renamed).lines.map(seen), read(usageCsv(tricky)).lines.map(seen));
});

void test("a header without the columns rating needs stops the file and names them", () => {
  const columns = DAILY_RATED_USAGE_COLUMNS.filter((c) => c !== "Quantity" && c !== "PCToBCExchangeRate");
  const { lines, quarantined, error } = read(usageCsv(tricky, { columns }));
  assert.deepEqual([lines.length, quarantined.length], [0, 0]);
  assert.match(error ?? "", /lacks Quantity, PCToBCExchangeRate/);

  const invoiceFile = "InvoiceNumber,ChargeType,Subtotal,Currency\r\nG002297372,new,12.34,USD\r\n";
  assert.match(
    read(invoiceFile).error ?? "",
    /not a Partner Center daily rated usage file: the header lacks CustomerId/,
  );
});

void test("an empty file, a UTF-16 file and a header naming a column twice are not usage files", () => {
  assert.match(read("").error ?? "", /empty/);
  assert.match(read(Buffer.from(`\uFEFF${usageCsv(tricky)}`, "utf16le")).error ?? "", /UTF-16/);
  const twice = usageCsv(tricky)
    .replace("CustomerName,", "CustomerName,Quantity,")
    .replace(/\r\n.*/s, "\r\n");
  assert.match(read(twice).error ?? "", /names Quantity more than once/);
});

void test("bad rows are quarantined with their line and reason, and every other row is read", () => {
  const rows: UsageRowValues[] = [
    { Quantity: "1" },
    { Quantity: "abc" },
    { Quantity: "2", Tags: "multi\nline" },
    { UsageDate: "2023-02-29T00:00:00Z" },
    { BillingCurrency: "XYZ" },
    { UnitPrice: "" },
    { PCToBCExchangeRate: "0" },
    { PCToBCExchangeRateDate: "yesterday" },
    { EffectiveUnitPrice: "1,5" },
    { CustomerId: "" },
    { Quantity: "3" },
  ];
  const file = usageCsv(rows).replace(
    /\r\n([^\r]*),3,1 Hour/,
    (_m, head: string) => `\r\n${head},3,1 Hour,extra`,
  );
  const withShortRow = file.replace(/\r\n$/, "\r\nonly,three,fields\r\n");
  const { lines, quarantined } = read(withShortRow);
  assert.deepEqual(
    lines.map((l) => [l.line, formatDecimal(l.quantity)]),
    [
      [2, "1"],
      [4, "2"],
    ],
  );
  assert.deepEqual(
    quarantined.map((q) => [q.line, q.code]),
    [
      [3, "not_a_number"],
      [6, "bad_date"],
      [7, "unknown_currency"],
      [8, "missing_value"],
      [9, "bad_exchange_rate"],
      [10, "bad_date"],
      [11, "not_a_number"],
      [12, "missing_value"],
      [13, "field_count"],
      [14, "field_count"],
    ],
  );
  const reasons = quarantined.map((q) => q.reason);
  assert.ok(reasons.includes('Quantity is not a number: "abc"'));
  assert.ok(reasons.includes('UsageDate is not a date: "2023-02-29T00:00:00Z"'));
  assert.ok(reasons.includes('BillingCurrency is not an ISO 4217 currency code: "XYZ"'));
  assert.ok(reasons.includes("UnitPrice is empty"));
  assert.ok(reasons.includes("expected 55 fields as in the header, found 56"));
  assert.ok(reasons.includes("expected 55 fields as in the header, found 3"));
});

void test("a stray quote costs its own line, not the file", () => {
  const file = usageCsv([{ Quantity: "1" }, { Quantity: "2" }, { Quantity: "3" }]);
  const [header, first, second, third] = file.split("\r\n");
  const broken = [header, first, `"${second}`, third, ""].join("\r\n");
  const { lines, quarantined } = read(broken);
  assert.deepEqual(
    lines.map((l) => [l.line, formatDecimal(l.quantity)]),
    [
      [2, "1"],
      [4, "3"],
    ],
  );
  assert.deepEqual(
    quarantined.map((q) => [q.line, q.code]),
    [[3, "malformed_quotes"]],
  );

  const textAfterQuote = [header, first?.replace("Contoso Ltd", '"Contoso" Ltd'), third, ""].join("\r\n");
  const after = read(textAfterQuote);
  assert.deepEqual(
    after.lines.map((l) => l.line),
    [3],
  );
  assert.deepEqual(
    after.quarantined.map((q) => [q.line, q.code]),
    [[2, "malformed_quotes"]],
  );
});

void test("blank lines are skipped and the customer id loses an org: prefix and its case", () => {
  const [header, first, second] = usageCsv([{ CustomerId: `org:${CONTOSO.toUpperCase()}` }, {}]).split(
    "\r\n",
  );
  const file = [header, first, "", second, "", ""].join("\r\n");
  const { lines, quarantined } = read(file);
  assert.deepEqual(quarantined, []);
  assert.deepEqual(
    lines.map((l) => [l.line, l.customerId]),
    [
      [2, CONTOSO],
      [4, CONTOSO],
    ],
  );
});

void test("dates are read in Partner Center's forms and must exist", () => {
  const forms: [string, string | null][] = [
    ["2024-05-01", "2024-05-01"],
    ["2024-05-01T00:00:00Z", "2024-05-01"],
    ["2024-05-01T00:00:00.0000000Z", "2024-05-01"],
    ["2024-05-01 13:45:00", "2024-05-01"],
    ["2024-02-29", "2024-02-29"],
    ["05/01/2024", "2024-05-01"],
    ["5/1/2024 12:00:00 AM", "2024-05-01"],
    ["2023-02-29", null],
    ["2024-13-01", null],
    ["2024-5-1", null],
    ["13/01/2024", null],
    ["2024-05-01Tnoon", null],
    ["", null],
  ];
  const rows = forms.map(([UsageDate]) => ({ UsageDate }));
  const { lines, quarantined } = read(usageCsv(rows));
  const byLine = new Map<number, string | null>([
    ...lines.map((l) => [l.line, l.usageDate] as const),
    ...quarantined.map((q) => [q.line, null] as const),
  ]);
  forms.forEach(([text, expected], i) => assert.equal(byLine.get(i + 2), expected, text));
});

void test("the stream reader reads a file as it flows and stops at a wrong header", async () => {
  const file = Buffer.from(usageCsv(tricky));
  const lines: UsageLine[] = [];
  const chunks = Array.from({ length: Math.ceil(file.length / 100) }, (_, i) =>
    file.subarray(i * 100, i * 100 + 100),
  );
  const result = await readDailyRatedUsage(Readable.from(chunks), {
    line: (l) => lines.push(l),
    quarantine: () => {},
  });
  assert.deepEqual(result, { ok: true, value: { lines: 3, quarantined: 0, columns: 55 } });
  assert.equal(lines.length, 3);

  let pulled = 0;
  async function* endless() {
    yield await Promise.resolve(Buffer.from("Foo,Bar\r\n"));
    for (;;) {
      pulled++;
      yield Buffer.from("1,2\r\n");
    }
  }
  const wrong = await readDailyRatedUsage(endless(), { line: () => {}, quarantine: () => {} });
  assert.equal(wrong.ok, false);
  assert.ok(pulled <= 1, "reading stops at the header");
});
