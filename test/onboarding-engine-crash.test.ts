import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { systemClock } from "../src/platform/clock.ts";
import { openDatabase, type Database } from "../src/platform/db/open-database.ts";
import {
  createWorkflowEngine,
  defineWorkflow,
  done,
  type WorkflowEngine,
} from "../src/modules/onboarding/index.ts";
import { scratchPostgres } from "./support/databases.ts";
import { crashStepIds, crashTables, crashWorkflow } from "./support/onboarding-crash-workflow.ts";
import { seededRandom } from "../src/platform/seeded-random.ts";

const serverUrl = process.env["DATABASE_URL"];
const seed = Number(process.env["ENGINE_SEED"] ?? Date.now() % 1_000_000);
const LEASE_MS = 800;

// PGlite is owned by one process, so worker processes and concurrent workers are tested on PostgreSQL only.
void describe(`onboarding engine crash safety on PostgreSQL (seed ${seed})`, { skip: !serverUrl }, () => {
  let scratch: { url: string; drop(): Promise<void> };
  let database: Database;
  let engine: WorkflowEngine;

  before(async () => {
    scratch = await scratchPostgres(serverUrl ?? "");
    database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 4 });
    for (const statement of crashTables) await database.query(statement);
    engine = createWorkflowEngine({ db: database.db, clock: systemClock, random: seededRandom(seed) });
    engine.register(
      crashWorkflow(
        () => Promise.resolve(),
        () => undefined,
      ),
    );
  });
  after(async () => {
    await database.close();
    await scratch.drop();
  });

  const spawnWorker = (crashAt?: string): ChildProcess =>
    spawn(process.execPath, ["--import", "tsx", "test/support/onboarding-crash-worker.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: scratch.url,
        LEASE_MS: String(LEASE_MS),
        SEED: String(seed),
        CRASH_AT: crashAt ?? "",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });

  const until = async (check: () => Promise<boolean>, ms: number, what: string) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return;
      await sleep(50);
    }
    assert.fail(`timed out waiting for ${what} (seed ${seed})`);
  };

  for (const stepId of crashStepIds)
    for (const phase of ["before", "after"] as const)
      void test(`a worker killed ${phase} the effect of ${stepId} is replaced, and each effect happens once`, async () => {
        const label = `${stepId}-${phase}`;
        const started = await database.db.transaction((tx) =>
          engine.start(tx, {
            workflow: crashWorkflow(
              () => Promise.resolve(),
              () => undefined,
            ),
            key: label,
            input: { label },
            subject: { id: label },
          }),
        );
        assert.ok(started.ok);
        const runId = started.value.run.id;
        const crashing = spawnWorker(`${stepId}:${phase}`);
        const [, signal] = (await once(crashing, "exit")) as [number | null, string | null];
        assert.equal(
          signal,
          "SIGKILL",
          `the worker should have crashed at ${stepId}:${phase} (seed ${seed})`,
        );
        const healthy = spawnWorker();
        try {
          await until(async () => (await engine.runOf(runId))?.state === "succeeded", 30_000, `run ${label}`);
        } finally {
          healthy.kill("SIGTERM");
          await once(healthy, "exit");
        }
        const effects = await database.query(
          "SELECT step_id, count(*)::int AS n FROM engine_test_effects WHERE run_id = $1 GROUP BY step_id ORDER BY step_id",
          [runId],
        );
        assert.deepEqual(
          effects.rows.map((r) => [r["step_id"], r["n"]]),
          [...crashStepIds].sort().map((s) => [s, 1]),
          `exactly one effect per step (seed ${seed})`,
        );
        const attempts = await database.query(
          "SELECT count(*)::int AS n FROM engine_test_attempts WHERE key = $1",
          [`${runId}:${stepId}`],
        );
        assert.equal(attempts.rows[0]?.["n"], 2, `the crashed step ran once more (seed ${seed})`);
        const types = (await engine.eventsOf(runId)).map((e) => e.type);
        assert.ok(types.includes("lease_expired"), "the takeover is visible in the run's events");
      });

  void test("two workers on separate connections never run one step at the same time", async () => {
    const running = new Set<string>();
    const overlaps: string[] = [];
    const executions = new Map<string, number>();
    const random = seededRandom(seed);
    const busy = defineWorkflow({
      name: "test-busy",
      version: 1,
      input: z.object({ i: z.number() }),
      steps: ["one", "two", "three"].map((id) => ({
        id,
        async run(ctx) {
          if (running.has(ctx.idempotencyKey)) overlaps.push(ctx.idempotencyKey);
          running.add(ctx.idempotencyKey);
          executions.set(ctx.idempotencyKey, (executions.get(ctx.idempotencyKey) ?? 0) + 1);
          await sleep(Math.floor(random() * 15));
          running.delete(ctx.idempotencyKey);
          return done({ id });
        },
      })),
    });
    const second = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 4 });
    const engines = [database.db, second.db].map((db) => {
      const e = createWorkflowEngine({
        db,
        clock: systemClock,
        random: seededRandom(seed),
        options: { leaseMs: 5000 },
      });
      e.register(busy);
      return e;
    });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const started = await database.db.transaction((tx) =>
        engine0(engines).start(tx, { workflow: busy, key: `busy-${i}`, input: { i }, subject: {} }),
      );
      assert.ok(started.ok);
      ids.push(started.value.run.id);
    }
    const workers = engines.map((e) => e.startWorker({ concurrency: 2, pollMs: 20 }));
    try {
      await until(
        async () => {
          const states = await Promise.all(ids.map((id) => engine0(engines).runOf(id)));
          return states.every((r) => r?.state === "succeeded");
        },
        60_000,
        "30 runs on two workers",
      );
    } finally {
      for (const w of workers) await w.stop();
      await second.close();
    }
    assert.deepEqual(overlaps, [], `no step ran twice at once (seed ${seed})`);
    assert.equal(executions.size, 90);
    assert.ok(
      [...executions.values()].every((n) => n === 1),
      `each step executed once (seed ${seed})`,
    );
  });
});

function engine0(engines: WorkflowEngine[]): WorkflowEngine {
  const [first] = engines;
  if (!first) throw new Error("no engine");
  return first;
}
