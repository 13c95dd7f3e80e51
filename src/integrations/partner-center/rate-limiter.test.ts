import assert from "node:assert/strict";
import { test } from "node:test";
import { createRateLimiter } from "./rate-limiter.ts";

const limiter = (perMinute: number, burst: number) => {
  let now = 0;
  const l = createRateLimiter({
    limit: { perMinute, burst },
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
  });
  return { l, advance: (ms: number) => (now += ms), now: () => now };
};

void test("a burst goes at once, then requests are spaced at the sustained rate", () => {
  const { l } = limiter(60, 3);
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map(() => l.reserve(["partner"])),
    [0, 0, 0, 1000, 2000, 3000],
  );
});

void test("a quiet period refills the bucket, but never beyond the burst", () => {
  const { l, advance } = limiter(60, 2);
  l.reserve(["partner"]);
  l.reserve(["partner"]);
  advance(60_000);
  assert.deepEqual(
    [1, 2, 3].map(() => l.reserve(["partner"])),
    [0, 0, 1000],
  );
});

void test("a request waits for the fullest of its buckets: one busy customer does not slow the others", () => {
  const { l } = limiter(60, 1);
  assert.equal(l.reserve(["partner-a", "customer-1"]), 0);
  assert.equal(l.reserve(["partner-b", "customer-1"]), 1000, "customer-1 is busy");
  assert.equal(l.reserve(["partner-c", "customer-2"]), 0, "customer-2 is not");
});

void test("a server's Retry-After holds every caller of that key until it has passed", () => {
  const { l } = limiter(600, 10);
  l.holdUntil(["partner"], 5_000);
  assert.equal(l.reserve(["partner"]), 5_000);
  assert.equal(l.reserve(["other"]), 0);
});

void test("a sustained load never exceeds the configured rate per minute", async () => {
  const { l, now } = limiter(300, 20);
  for (let i = 0; i < 1000; i++) await l.acquire(["partner"]);
  // 1000 requests at 300/min after a burst of 20: at least (1000 - 20) / 300 minutes.
  assert.ok(now() >= ((1000 - 20) / 300) * 60_000 - 1, `${now()} ms`);
});
