import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../../platform/seeded-random.ts";
import { currencyOf, knownCurrencyCodes } from "./currencies.ts";
import { add, compare, decimal, formatDecimal, fromUnits, negate, subtract, sum, ZERO } from "./decimal.ts";
import { roundToMinorUnit, UnknownCurrencyError } from "./rounding.ts";

const round = (amount: string, currency: string) =>
  formatDecimal(roundToMinorUnit(decimal(amount), currency));

void test("ties round half away from zero, in every direction", () => {
  const cases: [string, string, string][] = [
    ["0.125", "USD", "0.13"],
    ["0.135", "USD", "0.14"],
    ["-0.125", "USD", "-0.13"],
    ["-0.135", "USD", "-0.14"],
    ["0.124999999999999999999", "USD", "0.12"],
    ["0.125000000000000000001", "USD", "0.13"],
    ["-0.1250000001", "USD", "-0.13"],
    ["2.675", "EUR", "2.68"],
    ["0.005", "GBP", "0.01"],
    ["0.0049", "GBP", "0.00"],
  ];
  for (const [amount, currency, expected] of cases) assert.equal(round(amount, currency), expected, amount);
});

void test("each currency rounds to its ISO 4217 minor unit", () => {
  const cases: [string, string, string][] = [
    ["1234.5", "JPY", "1235"],
    ["-1234.5", "JPY", "-1235"],
    ["1234.4999", "JPY", "1234"],
    ["98765.5", "KRW", "98766"],
    ["1.2345", "KWD", "1.235"],
    ["1.23449", "BHD", "1.234"],
    ["-7.0005", "KWD", "-7.001"],
    ["0.12345", "CLF", "0.1235"],
    ["3", "USD", "3.00"],
    ["3", "KWD", "3.000"],
    ["12.5", "CHF", "12.50"],
    ["0", "JPY", "0"],
  ];
  for (const [amount, currency, expected] of cases)
    assert.equal(round(amount, currency), expected, `${amount} ${currency}`);
});

void test("every currency Azure bills in is known, with its minor unit", () => {
  const expected: Record<string, number> = {
    USD: 2,
    EUR: 2,
    GBP: 2,
    JPY: 0,
    CAD: 2,
    AUD: 2,
    DKK: 2,
    NOK: 2,
    SEK: 2,
    CHF: 2,
    INR: 2,
    BRL: 2,
    KRW: 0,
    NZD: 2,
    ZAR: 2,
    TWD: 2,
    MXN: 2,
    ARS: 2,
    SGD: 2,
    HKD: 2,
    PLN: 2,
    CZK: 2,
    HUF: 2,
    ILS: 2,
    TRY: 2,
    SAR: 2,
    AED: 2,
    CNY: 2,
    RUB: 2,
    IDR: 2,
    MYR: 2,
    KWD: 3,
    BHD: 3,
    OMR: 3,
    JOD: 3,
    TND: 3,
    CLF: 4,
  };
  for (const [code, minorUnits] of Object.entries(expected))
    assert.deepEqual(currencyOf(code), { ok: true, value: { code, minorUnits } }, code);
  assert.ok(knownCurrencyCodes().length > 150);
  assert.deepEqual(currencyOf(" jpy "), { ok: true, value: { code: "JPY", minorUnits: 0 } });
});

void test("an unknown currency is an error that names it", () => {
  const found = currencyOf("XYZ");
  assert.equal(found.ok, false);
  assert.ok(!found.ok && found.error.code === "unknown_currency" && found.error.message.includes('"XYZ"'));
  assert.throws(
    () => roundToMinorUnit(decimal("1.5"), "XYZ"),
    (e) => e instanceof UnknownCurrencyError && e.message.includes('"XYZ"'),
  );
  assert.equal(currencyOf("XAU").ok, false, "gold has no minor unit to round to");
});

void test("rounding once is within half a minor unit of the exact total; rounding each row is not", () => {
  const rows = [decimal("0.005"), decimal("0.005"), decimal("0.005")];
  assert.equal(formatDecimal(roundToMinorUnit(sum(rows), "USD")), "0.02");
  assert.equal(formatDecimal(sum(rows.map((row) => roundToMinorUnit(row, "USD")))), "0.03");

  const seed = 4217;
  const r = seededRandom(seed);
  const half = decimal("0.005");
  let rowRoundingDrifted = false;
  for (let run = 0; run < 500; run++) {
    const amounts = Array.from({ length: 1 + Math.floor(r() * 200) }, () =>
      fromUnits(BigInt(Math.floor(r() * 2e9)) - 500_000_000n, 8),
    );
    const exact = sum(amounts);
    const once = roundToMinorUnit(exact, "USD");
    const gap = subtract(once, exact);
    assert.ok(compare(gap.units < 0n ? negate(gap) : gap, half) <= 0, `seed ${seed}, run ${run}`);
    const perRow = amounts.reduce((total, a) => add(total, roundToMinorUnit(a, "USD")), ZERO);
    if (compare(perRow, once) !== 0) rowRoundingDrifted = true;
  }
  assert.ok(rowRoundingDrifted, "rounding each row gives another total for some months");
});

void test("a credit rounds to exactly the negative of the charge it reverses", () => {
  const r = seededRandom(77);
  for (let run = 0; run < 1_000; run++) {
    const units = BigInt(Math.floor(r() * 1e12));
    const charge = fromUnits(units, 5);
    const credit = fromUnits(-units, 5);
    for (const currency of ["USD", "JPY", "KWD"])
      assert.equal(
        formatDecimal(roundToMinorUnit(credit, currency)),
        formatDecimal(negate(roundToMinorUnit(charge, currency))),
      );
  }
});
