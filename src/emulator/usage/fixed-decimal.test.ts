import assert from "node:assert/strict";
import { test } from "node:test";
import { fixed, format, plus, rescale, sum, times } from "./fixed-decimal.ts";

void test("decimals are read and written back digit for digit", () => {
  for (const text of ["0", "12", "-0.0375", "0.490235765325545000", "151.5000"])
    assert.equal(format(fixed(text)), text);
});

void test("products and sums are exact where floats are not", () => {
  assert.equal(format(plus(fixed("0.1"), fixed("0.2"))), "0.3");
  assert.equal(format(times(fixed("0.096000"), fixed("23.350007"))), "2.241600672000");
  assert.equal(format(sum([fixed("0.000001"), fixed("1.5"), fixed("-0.25")])), "1.250001");
});

void test("rounding down truncates toward zero and half-even rounds ties to the even digit", () => {
  const cases: [string, number, "down" | "halfEven", string][] = [
    ["2.249", 2, "down", "2.24"],
    ["-2.249", 2, "down", "-2.24"],
    ["2.245", 2, "halfEven", "2.24"],
    ["2.255", 2, "halfEven", "2.26"],
    ["2.2451", 2, "halfEven", "2.25"],
    ["-2.255", 2, "halfEven", "-2.26"],
    ["1234.5", 0, "down", "1234"],
    ["3", 2, "down", "3.00"],
  ];
  for (const [x, scale, mode, expected] of cases)
    assert.equal(format(rescale(fixed(x), scale, mode)), expected, `${x} → ${scale} ${mode}`);
});
