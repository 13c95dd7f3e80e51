import assert from "node:assert/strict";
import { test } from "node:test";
import { percentToRate } from "./usage-row.ts";

void test("a percentage becomes a rate without floating point", () => {
  const table: [string, string][] = [
    ["15", "0.15"],
    ["0", "0"],
    ["100", "1"],
    ["2.5", "0.025"],
    ["150", "1.5"],
    ["-15", "-0.15"],
    ["0.01", "0.0001"],
  ];
  for (const [percent, rate] of table) assert.equal(percentToRate(percent), rate, percent);
});
