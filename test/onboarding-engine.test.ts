import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { fakeClock } from "../src/platform/clock.ts";
import type { Database } from "../src/platform/db/open-database.ts";
import {
  createWorkflowEngine,
  defineWorkflow,
  done,
  fail,
  retry,
  wait,
  type RunEvent,
  type WorkflowEngine,
} from "../src/modules/onboarding/index.ts";
import { backends } from "./support/databases.ts";
import { seededRandom } from "../src/platform/seeded-random.ts";

const seed = Number(process.env["ENGINE_SEED"] ?? Date.now() % 1_000_000);

for (const backend of backends()) {
  void describe(`onboarding engine on ${backend.name} (seed ${seed})`, () => {
    let database: Database;
    const clock = fakeClock();
    let engine: WorkflowEngine;
    const seen: RunEvent[] = [];
    const behaviour = new Map<string, string[]>();
    const undone: string[] = [];

    /** Each step answers from a script per run key (`ok` by default), so one workflow serves every case. */
    const next = (input: { key: string }, stepId: string): string =>
      behaviour.get(`${input.key}:${stepId}`)?.shift() ?? "ok";

    const chain = defineWorkflow({
      name: "test-chain",
      version: 1,
      input: z.object({ key: z.string(), n: z.number() }),
      steps: [
        {
          id: "double",
          run(ctx) {
            const b = next(ctx.input, "double");
            if (b === "retry") return Promise.resolve(retry({ afterMs: 2000, reason: "upstream throttled" }));
            if (b === "throw") throw new Error("connection reset");
            return Promise.resolve(done({ value: ctx.input.n * 2, key: ctx.idempotencyKey }));
          },
          undo(ctx) {
            undone.push(`${ctx.input.key}:double`);
            return Promise.resolve(done());
          },
        },
        {
          id: "record",
          transactional: true,
          deadlineMs: 60_000,
          async run(ctx) {
            const { value } = ctx.output("double", z.object({ value: z.number() }));
            await ctx.tx.execute(sql`SELECT 1`);
            const b = next(ctx.input, "record");
            if (b === "retry") return retry({ reason: "still busy" });
            if (b === "fail")
              return fail({ code: "ineligible_country", message: "the country is not supported" });
            if (b === "wait")
              return wait({
                untilMs: ctx.clock.now().getTime() + 30_000,
                reason: "order pending",
                waitingFor: "the Azure plan order",
              });
            return done({ value: value + 1 });
          },
          undo(ctx) {
            undone.push(`${ctx.input.key}:record`);
            return Promise.resolve(done());
          },
        },
        {
          id: "finish",
          run(ctx) {
            const b = next(ctx.input, "finish");
            if (b === "wait")
              return Promise.resolve(
                wait({
                  untilMs: ctx.clock.now().getTime() + 60_000,
                  reason: "pending",
                  waitingFor: "approval",
                }),
              );
            const { value } = ctx.output("record", z.object({ value: z.number() }));
            return Promise.resolve(done({ value: value * 10 }));
          },
        },
      ],
    });

    const pnr = defineWorkflow({
      name: "test-point-of-no-return",
      version: 1,
      input: z.object({ key: z.string() }),
      steps: [
        {
          id: "assign-role",
          run() {
            return Promise.resolve(done({ assignment: "a1" }));
          },
          undo(ctx) {
            undone.push(`${ctx.input.key}:assign-role`);
            return Promise.resolve(done());
          },
        },
        {
          id: "create-customer",
          pointOfNoReturn: true,
          run: () => Promise.resolve(done({ customer: "c1" })),
        },
        { id: "never", run: () => Promise.resolve(retry({ reason: "waiting" })) },
      ],
    });

    const startRun = async (key: string, n = 3) => {
      const started = await database.db.transaction((tx) =>
        engine.start(tx, { workflow: chain, key, input: { key, n }, subject: { type: "test", id: key } }),
      );
      assert.ok(started.ok, JSON.stringify(started));
      return started.value;
    };

    before(async () => {
      database = await backend.open();
      engine = createWorkflowEngine({ db: database.db, clock, random: seededRandom(seed) });
      engine.register(chain);
      engine.register(pnr);
      engine.onTransition((e) => {
        seen.push(e);
      });
    });
    after(async () => {
      await database.close();
    });

    void test("a three-step workflow runs to succeeded with outputs chained; the same key starts one run", async () => {
      const first = await startRun("happy", 4);
      const again = await startRun("happy", 99);
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.run.id, first.run.id);
      assert.match(first.run.id, /^wf_/);
      await engine.runDue();
      const run = await engine.runOf(first.run.id);
      assert.equal(run?.state, "succeeded");
      const events = await engine.eventsOf(first.run.id);
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.stepId ?? ""}`),
        [
          "run_queued:double",
          "step_started:double",
          "step_succeeded:double",
          "step_started:record",
          "step_succeeded:record",
          "step_started:finish",
          "step_succeeded:finish",
          "run_succeeded:",
        ],
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i + 1),
      );
      const later = await engine.eventsOf(first.run.id, 6);
      assert.deepEqual(
        later.map((e) => e.type),
        ["step_succeeded", "run_succeeded"],
      );
      assert.equal(seen.filter((e) => e.runId === first.run.id).length, events.length);
      const outputs = await database.query(
        "SELECT step_id, output FROM workflow_steps WHERE run_id = $1 ORDER BY step_index",
        [first.run.id],
      );
      assert.deepEqual(
        outputs.rows.map((r) => r["output"]),
        [{ value: 8, key: `${first.run.id}:double` }, { value: 9 }, { value: 90 }],
      );
    });

    void test("starting with an invalid input is refused with the field named, and nothing is stored", async () => {
      const started = await database.db.transaction((tx) =>
        engine.start(tx, {
          workflow: chain,
          key: "bad",
          input: { key: "bad", n: "x" },
          subject: { id: "bad" },
        }),
      );
      assert.equal(started.ok, false);
      assert.ok(
        !started.ok &&
          started.error.code === "workflow_input_invalid" &&
          started.error.message.includes("n:"),
      );
      assert.equal(await engine.runByKey("test-chain", "bad"), null);
    });

    void test("a run started in a transaction that rolls back does not exist", async () => {
      await database.db
        .transaction(async (tx) => {
          await engine.start(tx, {
            workflow: chain,
            key: "rolled-back",
            input: { key: "rolled-back", n: 1 },
            subject: {},
          });
          throw new Error("the caller's change failed");
        })
        .catch(() => undefined);
      assert.equal(await engine.runByKey("test-chain", "rolled-back"), null);
    });

    void test("a step that asks to retry after 2 s is not attempted sooner, and the backoff grows", async () => {
      behaviour.set("retry:double", ["retry", "retry", "retry"]);
      const { run } = await startRun("retry");
      await engine.runDue();
      const starts = async () =>
        (await engine.eventsOf(run.id)).filter((e) => e.type === "step_started" && e.stepId === "double")
          .length;
      assert.equal(await starts(), 1);
      clock.advance(1999);
      await engine.runDue();
      assert.equal(await starts(), 1, "attempted again before Retry-After elapsed");
      for (let attempt = 2; attempt <= 4; attempt++) {
        const due = (await engine.runOf(run.id))?.nextAt;
        assert.ok(due);
        clock.set(due);
        await engine.runDue();
        assert.equal(await starts(), attempt);
      }
      const retried = (await engine.eventsOf(run.id)).filter((e) => e.type === "step_retried");
      assert.equal(retried.length, 3);
      const gaps = retried.map((e) => new Date(String(e.details?.["nextAt"])).getTime() - e.at.getTime());
      assert.ok(
        gaps.every((g) => g >= 2000),
        `Retry-After honoured: ${gaps.join(",")}`,
      );
      // Attempt n waits within [d/2, d], d = 1 s·2^(n−1): the third wait (≥ 2 s) is never shorter than the first (≤ 2 s).
      assert.ok(
        (gaps[2] ?? 0) >= (gaps[0] ?? 0) && (gaps[2] ?? 0) >= 2000,
        `backoff grows: ${gaps.join(",")}`,
      );
      assert.equal((await engine.runOf(run.id))?.state, "succeeded");
    });

    void test("a step that keeps failing past its deadline makes the run stuck with the reason; resume continues it", async () => {
      behaviour.set(
        "deadline:record",
        Array.from({ length: 40 }, () => "retry"),
      );
      const { run } = await startRun("deadline");
      for (let i = 0; i < 40; i++) {
        await engine.runDue();
        const r = await engine.runOf(run.id);
        if (r?.state === "stuck" || !r?.nextAt) break;
        clock.set(r.nextAt);
      }
      const stuck = await engine.runOf(run.id);
      assert.equal(stuck?.state, "stuck");
      assert.equal(stuck?.stepId, "record");
      assert.match(stuck?.reason ?? "", /deadline passed; last error: still busy/);
      assert.ok((stuck?.attempt ?? 0) > 3);
      behaviour.set("deadline:record", []);
      const resumed = await engine.resume(run.id, "usr_operator");
      assert.ok(resumed.ok && resumed.value.state === "running");
      clock.advance(1);
      await engine.runDue();
      assert.equal((await engine.runOf(run.id))?.state, "succeeded");
      const types = (await engine.eventsOf(run.id)).map((e) => e.type);
      assert.ok(types.includes("run_stuck") && types.includes("resumed"));
    });

    void test("retryStep restarts a failed step and resume refuses a run that is not stuck", async () => {
      behaviour.set("failed:record", ["fail"]);
      const { run } = await startRun("failed");
      await engine.runDue();
      const failed = await engine.runOf(run.id);
      assert.equal(failed?.state, "failed");
      assert.equal(failed?.errorCode, "ineligible_country");
      const resumed = await engine.resume(run.id);
      assert.ok(!resumed.ok && resumed.error.code === "workflow_run_not_stuck");
      const retried = await engine.retryStep(run.id, "usr_operator");
      assert.ok(retried.ok && retried.value.state === "running" && retried.value.attempt === 0);
      await engine.runDue();
      assert.equal((await engine.runOf(run.id))?.state, "succeeded");
      const missing = await engine.retryStep("wf_unknown");
      assert.ok(!missing.ok && missing.error.code === "workflow_run_not_found");
    });

    void test("a waiting step is a durable timer, visible as what it waits for", async () => {
      behaviour.set("waiting:record", ["wait"]);
      const { run } = await startRun("waiting");
      await engine.runDue();
      const waiting = await engine.runOf(run.id);
      assert.equal(waiting?.state, "running");
      assert.equal(waiting?.waitingFor, "the Azure plan order");
      assert.equal(waiting?.nextAt?.getTime(), clock.now().getTime() + 30_000);
      clock.advance(29_999);
      assert.equal(await engine.runDue(), 0);
      clock.advance(1);
      await engine.runDue();
      assert.equal((await engine.runOf(run.id))?.state, "succeeded");
    });

    void test("cancel undoes the done steps in reverse order, and the run ends cancelled", async () => {
      behaviour.set("cancel:finish", ["wait"]);
      const { run } = await startRun("cancel");
      await engine.runDue();
      const cancelled = await engine.cancel(run.id, "the customer withdrew", "usr_operator");
      assert.ok(cancelled.ok && cancelled.value.state === "compensating");
      await engine.runDue();
      assert.deepEqual(
        undone.filter((u) => u.startsWith("cancel:")),
        ["cancel:record", "cancel:double"],
      );
      const final = await engine.runOf(run.id);
      assert.equal(final?.state, "cancelled");
      assert.equal(final?.cancelReason, "the customer withdrew");
      const again = await engine.cancel(run.id, "twice");
      assert.ok(!again.ok && again.error.code === "workflow_run_finished");
      const types = (await engine.eventsOf(run.id)).map((e) => e.type);
      assert.deepEqual(types.slice(-7), [
        "cancel_requested",
        "run_compensating",
        "undo_started",
        "step_undone",
        "undo_started",
        "step_undone",
        "run_cancelled",
      ]);
    });

    void test("after the point of no return, cancel stops the run without undoing anything", async () => {
      const started = await database.db.transaction((tx) =>
        engine.start(tx, { workflow: pnr, key: "pnr", input: { key: "pnr" }, subject: {} }),
      );
      assert.ok(started.ok);
      await engine.runDue();
      const cancelled = await engine.cancel(started.value.run.id, "operator stop");
      assert.ok(cancelled.ok && cancelled.value.state === "cancelled");
      await engine.runDue();
      assert.deepEqual(
        undone.filter((u) => u.startsWith("pnr:")),
        [],
      );
      const last = (await engine.eventsOf(started.value.run.id)).at(-1);
      assert.equal(last?.details?.["why"], "past the point of no return");
    });

    void test("a step that throws is retried with the error as the reason", async () => {
      behaviour.set("throws:double", ["throw"]);
      const { run } = await startRun("throws");
      await engine.runDue();
      const r = await engine.runOf(run.id);
      assert.equal(r?.lastError, "error: connection reset");
      clock.advance(60_000);
      await engine.runDue();
      assert.equal((await engine.runOf(run.id))?.state, "succeeded");
    });
  });
}
