import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { seededRandom } from "../../../platform/seeded-random.ts";
import { retryDelayMs } from "./backoff.ts";
import { decide } from "./decide.ts";
import { defineWorkflow, done, fail, retry, wait } from "./definitions.ts";

const now = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(now.getTime() + ms);
const half = () => 0.5;

void test("the retry delay window never shrinks from one attempt to the next, and stops at the cap", () => {
  for (const r of [0, 0.3, 0.999]) {
    const delays = [1, 2, 3, 4, 5, 20].map((attempt) => retryDelayMs({ attempt, random: () => r }));
    delays.slice(1).forEach((d, i) => assert.ok(d >= (delays[i] ?? 0), `random ${r}: ${delays.join(",")}`));
    assert.ok((delays.at(-1) ?? 0) <= 300_000);
  }
  assert.equal(retryDelayMs({ attempt: 1, random: () => 0 }), 500);
  assert.equal(retryDelayMs({ attempt: 3, random: () => 0.999_999 }), 4000);
});

void test("a Retry-After is a floor for the delay", () => {
  assert.equal(retryDelayMs({ attempt: 1, afterMs: 2000, random: half }), 2000);
  assert.equal(retryDelayMs({ attempt: 5, afterMs: 2000, random: half }), 12_000);
});

void test("a seeded generator repeats its sequence", () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const xs = [a(), a(), a()];
  assert.deepEqual(xs, [b(), b(), b()]);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

const cases: { name: string; outcome: Parameters<typeof decide>[1]; deadlineMs: number; expect: unknown }[] =
  [
    {
      name: "done keeps the output",
      outcome: done({ a: 1 }),
      deadlineMs: 60_000,
      expect: { kind: "done", output: { a: 1 } },
    },
    {
      name: "fail is permanent with its code",
      outcome: fail({ code: "ineligible_country", message: "no" }),
      deadlineMs: 60_000,
      expect: { kind: "fail", code: "ineligible_country", message: "no" },
    },
    {
      name: "a retry within the deadline is scheduled no sooner than Retry-After",
      outcome: retry({ afterMs: 2000, reason: "429" }),
      deadlineMs: 60_000,
      expect: { kind: "retry", nextAt: at(2000), reason: "429" },
    },
    {
      name: "a retry past the deadline makes the run stuck with the last reason",
      outcome: retry({ afterMs: 120_000, reason: "503 from Partner Center" }),
      deadlineMs: 60_000,
      expect: {
        kind: "stuck",
        reason: "deadline passed; last error: 503 from Partner Center",
        waitingFor: null,
      },
    },
    {
      name: "a wait keeps its timer",
      outcome: wait({ untilMs: at(30_000).getTime(), reason: "provisioning", waitingFor: "the order" }),
      deadlineMs: 60_000,
      expect: { kind: "wait", nextAt: at(30_000), reason: "provisioning", waitingFor: "the order" },
    },
    {
      name: "a wait beyond the deadline looks one last time at the deadline",
      outcome: wait({ untilMs: at(90_000).getTime(), reason: "provisioning", waitingFor: "the order" }),
      deadlineMs: 60_000,
      expect: { kind: "wait", nextAt: at(60_000), reason: "provisioning", waitingFor: "the order" },
    },
    {
      name: "a wait at the deadline is stuck, saying what it waited for",
      outcome: wait({ untilMs: at(30_000).getTime(), reason: "provisioning", waitingFor: "the order" }),
      deadlineMs: 0,
      expect: {
        kind: "stuck",
        reason: "deadline passed while waiting for the order: provisioning",
        waitingFor: "the order",
      },
    },
  ];

for (const c of cases)
  void test(`decide: ${c.name}`, () => {
    assert.deepEqual(decide({ attempt: 1, deadlineAt: at(c.deadlineMs) }, c.outcome, now, half), c.expect);
  });

void test("a workflow with a repeated, renamed-looking or empty step list is refused", () => {
  const input = z.object({});
  const step = { id: "check-eligibility", run: () => Promise.resolve(done()) };
  assert.throws(
    () => defineWorkflow({ name: "new-customer", version: 1, input, steps: [step, step] }),
    /twice/,
  );
  assert.throws(
    () => defineWorkflow({ name: "New Customer", version: 1, input, steps: [step] }),
    /kebab-case/,
  );
  assert.throws(() => defineWorkflow({ name: "new-customer", version: 0, input, steps: [step] }), /version/);
  assert.throws(() => defineWorkflow({ name: "new-customer", version: 1, input, steps: [] }), /no steps/);
  assert.equal(defineWorkflow({ name: "new-customer", version: 1, input, steps: [step] }).steps.length, 1);
});
