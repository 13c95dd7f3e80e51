import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { seededRandom } from "../../../platform/seeded-random.ts";
import {
  add,
  compare,
  decimal,
  equals,
  formatDecimal,
  multiply,
  normalize,
  parseDecimal,
  subtract,
  sum,
  type Decimal,
} from "./decimal.ts";

const SEED = 20240514;
const RUNS = 2_000;

/** A random decimal text with up to `maxDigits` digits and `maxScale` decimals, maybe negative. */
function randomDecimalText(r: () => number, maxDigits = 24, maxScale = 22): string {
  const scale = Math.floor(r() * (maxScale + 1));
  const digits = Math.max(scale + 1, 1 + Math.floor(r() * maxDigits));
  let text = "";
  for (let i = 0; i < digits; i++) text += String(Math.floor(r() * 10));
  text = text.replace(/^0+(?=\d)/, "");
  const padded = text.padStart(scale + 1, "0");
  const whole = padded.slice(0, padded.length - scale);
  const fraction = padded.slice(padded.length - scale);
  const negative = r() < 0.3 && /[1-9]/.test(text);
  return `${negative ? "-" : ""}${whole}${scale ? `.${fraction}` : ""}`;
}

/**
 * An independent reference: schoolbook arithmetic on digit strings, sharing nothing with the BigInt code under
 * test. Values are [negative, digits, scale] with digits a plain string of 0–9.
 */
type Ref = { negative: boolean; digits: string; scale: number };
const ref = (text: string): Ref => {
  const negative = text.startsWith("-");
  const [whole = "", fraction = ""] = text.replace(/^[-+]/, "").split(".");
  return { negative, digits: `${whole}${fraction}`, scale: fraction.length };
};
const stripZeros = (d: string) => d.replace(/^0+(?=\d)/, "");
function refMultiply(a: Ref, b: Ref): Ref {
  const x = [...a.digits].reverse().map(Number);
  const y = [...b.digits].reverse().map(Number);
  const out = new Array<number>(x.length + y.length).fill(0);
  x.forEach((dx, i) => y.forEach((dy, j) => (out[i + j] = (out[i + j] ?? 0) + dx * dy)));
  for (let k = 0; k < out.length - 1; k++) {
    out[k + 1] = (out[k + 1] ?? 0) + Math.floor((out[k] ?? 0) / 10);
    out[k] = (out[k] ?? 0) % 10;
  }
  return {
    negative: a.negative !== b.negative,
    digits: stripZeros(out.reverse().join("")),
    scale: a.scale + b.scale,
  };
}
function refText(v: Ref): string {
  const padded = v.digits.padStart(v.scale + 1, "0");
  const whole = padded.slice(0, padded.length - v.scale);
  const fraction = padded.slice(padded.length - v.scale);
  const isZero = /^0*$/.test(v.digits);
  return `${v.negative && !isZero ? "-" : ""}${whole}${v.scale ? `.${fraction}` : ""}`;
}

void test("0.1 + 0.2 is 0.3 exactly, and ten tenths make one, where floats drift", () => {
  assert.notEqual(0.1 + 0.2, 0.3);
  assert.equal(formatDecimal(add(decimal("0.1"), decimal("0.2"))), "0.3");
  assert.ok(equals(sum(Array.from({ length: 10 }, () => decimal("0.1"))), decimal("1")));
  assert.equal(formatDecimal(multiply(decimal("0.1"), decimal("3"))), "0.3");
  assert.equal(formatDecimal(subtract(decimal("0.3"), decimal("0.1"))), "0.2");
});

void test("Microsoft's sample prices multiply to every digit", () => {
  const cases: [string, string, string][] = [
    ["0.0209951014286867", "23.350007", "0.4902357653255444458069"],
    ["0.1999968000511991808131", "0.0159369774", "0.00318734448248828018751688832394"],
    ["1.2799888920023", "24", "30.7197334080552"],
  ];
  for (const [price, quantity, product] of cases)
    assert.equal(formatDecimal(normalize(multiply(decimal(price), decimal(quantity)))), product);
});

void test("products of 16–22 digit prices and 6–10 decimal quantities equal the schoolbook reference", () => {
  const r = seededRandom(SEED);
  for (let i = 0; i < RUNS; i++) {
    const price = randomDecimalText(r, 23, 22);
    const quantity = randomDecimalText(r, 16, 10);
    const expected = refText(refMultiply(ref(price), ref(quantity)));
    assert.equal(
      formatDecimal(multiply(decimal(price), decimal(quantity))),
      expected,
      `seed ${SEED}, ${price} × ${quantity}`,
    );
  }
});

void test("written decimals read back to the same value and scale, and back to the same text", () => {
  const r = seededRandom(SEED + 1);
  for (let i = 0; i < RUNS; i++) {
    const text = randomDecimalText(r);
    const value = decimal(text);
    const again = decimal(formatDecimal(value));
    assert.equal(again.units, value.units, `seed ${SEED + 1}, ${text}`);
    assert.equal(again.scale, value.scale);
    assert.equal(formatDecimal(value), text);
  }
});

void test("sums do not depend on order or grouping", () => {
  const r = seededRandom(SEED + 2);
  for (let run = 0; run < RUNS / 10; run++) {
    const values = Array.from({ length: 2 + Math.floor(r() * 30) }, () => decimal(randomDecimalText(r)));
    const forward = sum(values);
    const backward = sum([...values].reverse());
    const shuffled = sum([...values].sort(() => r() - 0.5));
    const cut = Math.floor(r() * values.length);
    const grouped = add(sum(values.slice(0, cut)), sum(values.slice(cut)));
    for (const other of [backward, shuffled, grouped])
      assert.equal(compare(forward, other), 0, `seed ${SEED + 2}`);
  }
});

void test("decimals are read the ways usage files write them, and nothing else is a number", () => {
  const good: [string, string][] = [
    ["24", "24"],
    ["-0.5", "-0.5"],
    ["+3.10", "3.10"],
    [".25", "0.25"],
    ["7.", "7"],
    ["  12.5 ", "12.5"],
    ["1.5E-07", "0.00000015"],
    ["2e3", "2000"],
    ["0.1999968000511991808131", "0.1999968000511991808131"],
  ];
  for (const [text, written] of good) assert.equal(formatDecimal(decimal(text)), written, text);
  for (const bad of [
    "",
    " ",
    "-",
    ".",
    "abc",
    "1,5",
    "1.2.3",
    "12a",
    "0x10",
    "1e",
    "NaN",
    "Infinity",
    "1e99999",
    "١٢",
  ])
    assert.equal(parseDecimal(bad), null, JSON.stringify(bad));
});

void test("comparison is by value, whatever the scale", () => {
  assert.equal(compare(decimal("2.5"), decimal("2.50")), 0);
  assert.equal(compare(decimal("-1"), decimal("0.000001")), -1);
  assert.equal(compare(decimal("10"), decimal("9.99999999999999999999")), 1);
  const zero: Decimal = normalize(decimal("0.000"));
  assert.equal(formatDecimal(zero), "0");
});

void test("the engine never turns money into a float", () => {
  const dir = import.meta.dirname;
  const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
  assert.ok(sources.length > 5);
  for (const file of sources) {
    const code = readFileSync(`${dir}/${file}`, "utf8");
    for (const banned of [/parseFloat/, /\bNumber\(/, /toFixed/, /Math\.round/, /toPrecision/])
      assert.doesNotMatch(code, banned, `${file} uses ${banned.source}`);
  }
});
