import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultRetryPolicy, retryAfterMs, retryDelayMs } from "./backoff.ts";

const policy = { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 };

void test("the wait doubles with each attempt, within [d/2, d], and stops growing at the cap", () => {
  const rows: [number, number, number][] = [
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [6, 16_000, 32_000],
    [7, 30_000, 60_000],
    [8, 30_000, 60_000],
    [40, 30_000, 60_000],
  ];
  for (const [attempt, low, high] of rows) {
    assert.equal(
      retryDelayMs(policy, attempt, () => 0),
      low,
      `attempt ${attempt}, lowest draw`,
    );
    assert.equal(
      retryDelayMs(policy, attempt, () => 0.999999),
      high,
      `attempt ${attempt}, highest draw`,
    );
  }
});

void test("a receiver's Retry-After is a floor, but never beyond the cap", () => {
  assert.equal(
    retryDelayMs(policy, 1, () => 0, 5000),
    5000,
  );
  assert.equal(
    retryDelayMs(policy, 1, () => 0, 100),
    500,
  );
  assert.equal(
    retryDelayMs(policy, 1, () => 0, 3_600_000),
    60_000,
  );
});

void test("Retry-After is read as seconds or as an HTTP date", () => {
  const now = new Date("2026-11-02T09:00:00Z");
  assert.equal(retryAfterMs("120", now), 120_000);
  assert.equal(retryAfterMs("Mon, 02 Nov 2026 09:01:00 GMT", now), 60_000);
  assert.equal(retryAfterMs("Mon, 02 Nov 2026 08:00:00 GMT", now), 0);
  assert.equal(retryAfterMs("soon", now), null);
  assert.equal(retryAfterMs(null, now), null);
});

void test("by default a delivery is retried for about three days", () => {
  let total = 0;
  for (let attempt = 1; attempt < defaultRetryPolicy.maxAttempts; attempt++)
    total += retryDelayMs(defaultRetryPolicy, attempt, () => 0.999999);
  assert.ok(total > 2.5 * 86_400_000 && total < 4 * 86_400_000, `${total / 3_600_000} h`);
});
