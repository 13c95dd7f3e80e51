import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backoffMs, defaultRetryPolicy, withRetry, type RetryDecision, type RetryTools } from "./retry.ts";

/** A clock that only moves when the retry loop sleeps, and dice that always land on `roll`. */
function fakeTools(roll = 0.5): RetryTools & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    sleep: (ms) => {
      slept.push(ms);
      t += ms;
      return Promise.resolve();
    },
    now: () => t,
    random: () => roll,
  };
}

const retryAlways = (): RetryDecision => ({ retry: true });

void describe("retry with backoff", () => {
  void test("an outcome the caller calls final is returned at once, without waiting", async () => {
    const tools = fakeTools();
    let calls = 0;
    const out = await withRetry(
      () => Promise.resolve(++calls),
      () => ({ retry: false }),
      { tools },
    );
    assert.equal(out, 1);
    assert.deepEqual(tools.slept, []);
  });

  void test("attempts stop at maxAttempts and the last outcome is returned", async () => {
    const tools = fakeTools();
    const out = await withRetry((n) => Promise.resolve(n), retryAlways, {
      tools,
      policy: { maxAttempts: 3 },
    });
    assert.equal(out, 3);
    assert.equal(tools.slept.length, 2);
  });

  void test("a success after failures ends the loop", async () => {
    const tools = fakeTools();
    const out = await withRetry(
      (n) => Promise.resolve(n === 3 ? "ok" : "busy"),
      (o) => ({ retry: o === "busy" }),
      { tools },
    );
    assert.equal(out, "ok");
    assert.equal(tools.slept.length, 2);
  });

  void test("backoff doubles from the base delay, each wait between half and all of it", async () => {
    const low = fakeTools(0);
    await withRetry((n) => Promise.resolve(n), retryAlways, {
      tools: low,
      policy: { maxAttempts: 5, baseDelayMs: 100 },
    });
    assert.deepEqual(low.slept, [50, 100, 200, 400]);
    const high = fakeTools(1);
    await withRetry((n) => Promise.resolve(n), retryAlways, {
      tools: high,
      policy: { maxAttempts: 5, baseDelayMs: 100 },
    });
    assert.deepEqual(high.slept, [100, 200, 400, 800]);
  });

  void test("backoff never exceeds maxDelayMs", () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 1_000, maxDelayMs: 5_000 };
    assert.equal(
      backoffMs(10, policy, () => 1),
      5_000,
    );
  });

  void test("the server's Retry-After replaces the backoff, even when it is longer", async () => {
    const tools = fakeTools();
    await withRetry(
      (n) => Promise.resolve(n),
      (): RetryDecision => ({ retry: true, afterMs: 7_000 }),
      { tools, policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } },
    );
    assert.deepEqual(tools.slept, [7_000, 7_000]);
  });

  void test("a wait that would end past the time budget is not taken: the last outcome comes back instead", async () => {
    const tools = fakeTools();
    let calls = 0;
    await withRetry(
      () => Promise.resolve(++calls),
      (): RetryDecision => ({ retry: true, afterMs: 40_000 }),
      { tools, policy: { maxAttempts: 10, maxTotalMs: 100_000 } },
    );
    assert.equal(calls, 3);
    assert.deepEqual(tools.slept, [40_000, 40_000]);
  });
});
