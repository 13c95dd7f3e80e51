import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { retryAfterMs } from "./retry-after.ts";

const now = new Date("2026-03-01T12:00:00Z");

void describe("Retry-After", () => {
  const cases: [string, Record<string, string>, number | undefined][] = [
    ["delta-seconds", { "retry-after": "30" }, 30_000],
    ["zero seconds", { "retry-after": "0" }, 0],
    ["an HTTP date ten seconds ahead", { "retry-after": "Sun, 01 Mar 2026 12:00:10 GMT" }, 10_000],
    ["an HTTP date in the past means now", { "retry-after": "Sun, 01 Mar 2026 11:00:00 GMT" }, 0],
    ["retry-after-ms wins over Retry-After", { "retry-after": "30", "retry-after-ms": "1500" }, 1_500],
    ["x-ms-retry-after-ms", { "x-ms-retry-after-ms": "250" }, 250],
    [
      "retry-after-ms before x-ms-retry-after-ms",
      { "retry-after-ms": "10", "x-ms-retry-after-ms": "20" },
      10,
    ],
    ["no header", {}, undefined],
    ["a negative number is ignored", { "retry-after": "-5" }, undefined],
    ["a fraction of seconds is not delta-seconds", { "retry-after": "1.5" }, undefined],
    ["garbage is ignored", { "retry-after": "soon" }, undefined],
    ["a bare number-like date is ignored", { "retry-after": "2026-03-01" }, undefined],
    ["an absurd delay is capped at a day", { "retry-after": "999999999" }, 86_400_000],
  ];
  for (const [name, headers, expected] of cases)
    void test(`${name} → ${String(expected)}`, () => {
      assert.equal(retryAfterMs(headers, now), expected);
    });
});
