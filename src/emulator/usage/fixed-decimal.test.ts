import assert from "node:assert/strict";
import { test } from "node:test";
import { canonical, fixed, format, negate, plus, rescale, significant, sum, times } from "./fixed-decimal.ts";

void test("decimals are read and written back digit for digit", () => {
  for (const text of ["0", "12", "-0.0375", "0.490235765325545000", "151.5000"])
    assert.equal(format(fixed(text)), text);
});

void test("products and sums are exact where floats are not", () => {
  assert.equal(format(plus(fixed("0.1"), fixed("0.2"))), "0.3");
  assert.equal(format(times(fixed("0.096000"), fixed("23.350007"))), "2.241600672000");
  assert.equal(format(sum([fixed("0.000001"), fixed("1.5"), fixed("-0.25")])), "1.250001");
});

void test("rounding down truncates toward zero, half-even rounds ties to the even digit, half away from zero away", () => {
  const cases: [string, number, "down" | "halfEven" | "halfAwayFromZero", string][] = [
    ["2.249", 2, "down", "2.24"],
    ["-2.249", 2, "down", "-2.24"],
    ["2.245", 2, "halfEven", "2.24"],
    ["2.255", 2, "halfEven", "2.26"],
    ["2.2451", 2, "halfEven", "2.25"],
    ["-2.255", 2, "halfEven", "-2.26"],
    ["1234.5", 0, "down", "1234"],
    ["3", 2, "down", "3.00"],
    ["2.245", 2, "halfAwayFromZero", "2.25"],
    ["-2.245", 2, "halfAwayFromZero", "-2.25"],
    ["2.2449", 2, "halfAwayFromZero", "2.24"],
    ["1234.5", 0, "halfAwayFromZero", "1235"],
  ];
  for (const [x, scale, mode, expected] of cases)
    assert.equal(format(rescale(fixed(x), scale, mode)), expected, `${x} → ${scale} ${mode}`);
});

void test("a value keeps a given number of significant digits, rounded half-even, whatever its scale", () => {
  const cases: [string, number, string][] = [
    ["0.020995101428686712345", 16, "0.02099510142868671"],
    ["19.7120000000000049999", 16, "19.71200000000000"],
    ["0.0000123456789012345675", 16, "0.00001234567890123457"],
    ["0.5", 16, "0.5"],
  ];
  for (const [x, digits, expected] of cases) assert.equal(format(significant(fixed(x), digits)), expected, x);
});

void test("a canonical text drops trailing zeros, so equal values read the same", () => {
  assert.equal(canonical(fixed("12.500")), "12.5");
  assert.equal(canonical(fixed("-3.000")), "-3");
  assert.equal(canonical(fixed("0.000")), "0");
  assert.equal(canonical(negate(fixed("0.0100"))), "-0.01");
});
