import assert from "node:assert/strict";
import { after, before, describe, test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { HoldPhase, PendingHold } from "../src/emulator/control/observer.ts";
import type { RunState } from "../src/modules/onboarding/index.ts";
import { seededRandom } from "../src/platform/seeded-random.ts";
import { backends } from "./support/databases.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import {
  acceptInvitation,
  completeBillingTransfer,
  completeMoveTask,
  createMoveTarget,
  existingTenant,
  migrationDiffers,
  migrationDoneWithoutEffect,
  migrationSteps,
  requestMigration,
  type StartedMigration,
} from "./support/onboarding-reliability-migrate.ts";
import {
  addOrganization,
  earlyReturns,
  inProcessWorker,
  reliabilityWorld,
  scratchWorld,
  workerLineage,
  type ReliabilityWorld,
  type StepMarker,
} from "./support/onboarding-reliability.ts";

const serverUrl = process.env["DATABASE_URL"];
/**
 * PostgreSQL when there is one: worker processes share a lane's database there, and are killed. PGlite belongs to
 * one process, so there a worker runs in the test's own process, through the same faults but never killed.
 */
const backend = serverUrl ? "postgres" : "pglite";
const oneSeed = process.env["ONBOARDING_W2_MIGRATE_SEED"];
/**
 * Seeds 1…N (6 on PostgreSQL, 4 on PGlite, about a minute either way, unless ONBOARDING_W2_MIGRATE_SEEDS says), or
 * the one ONBOARDING_W2_MIGRATE_SEED names, to replay a failure.
 */
const seeds = oneSeed
  ? [Number(oneSeed)]
  : Array.from(
      { length: Number(process.env["ONBOARDING_W2_MIGRATE_SEEDS"] ?? (serverUrl ? 6 : 4)) },
      (_, i) => i + 1,
    );
/** Worlds that run seeds side by side, each with its own database, emulator and workers. */
const LANES = Math.min(serverUrl ? 2 : 1, seeds.length);
/** Tenants each seed migrates at once, for two organizations. */
const MIGRATIONS = 2;
/** How long a seed's runs have to finish, or to stop as stuck or failed with a reason. */
const SETTLE_MS = 150_000;

/** The upstream routes the migration calls (Entra's token endpoint aside: every run shares it). */
const FAULT_ROUTES = [
  "GET /v2/accounts/:alias",
  "GET /v1/customers/relationshiprequests",
  "GET /v1.0/tenantRelationships/delegatedAdminRelationships",
  "POST /v1.0/tenantRelationships/delegatedAdminRelationships",
  "GET /v1.0/tenantRelationships/delegatedAdminRelationships/:id",
  "POST /v1.0/tenantRelationships/delegatedAdminRelationships/:id/requests",
  "GET /v1/customers",
  "POST /v1/customers/:id/applicationconsents",
  "GET /subscriptions",
  "PUT /subscriptions/:sub/*",
] as const;

type Fault = Record<string, unknown> & { route: string; kind: string };
type Kill = StepMarker & { phase: HoldPhase };
type Plan = { faults: Fault[]; kills: Kill[] };

/**
 * A seed's schedule: 2 to 5 faults on random routes (latency, 429 or 503 with Retry-After, drop-after that acts and
 * cuts the connection before the answer), each for the next 1 to 3 matching requests; and 0 to 2 worker kills, each
 * when a random step's request arrives or is applied. Every fault is transient: the runs end ready without an operator.
 */
function planFor(seed: number): Plan {
  const random = seededRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[below(xs.length)];
    if (x === undefined) throw new Error("nothing to pick from");
    return x;
  };
  const faults = Array.from({ length: 2 + below(4) }, (): Fault => {
    const route = pick(FAULT_ROUTES);
    const times = 1 + below(3);
    const roll = random();
    if (roll < 0.25) return { route, kind: "latency", latencyMs: 200 + below(1300), times };
    if (roll < 0.5) return { route, kind: "status", status: 429, retryAfterSeconds: 1 + below(2), times };
    if (roll < 0.7) return { route, kind: "status", status: 503, retryAfterSeconds: 1 + below(2), times };
    return { route, kind: "drop-after", times };
  });
  const markers = migrationSteps.flatMap((s) => (s.marker ? [s.marker] : []));
  const kills = Array.from({ length: below(3) }, (): Kill => ({
    ...pick(markers),
    phase: random() < 0.5 ? "received" : "applied",
  }));
  return { faults, kills };
}

/**
 * The people outside Partner Cloud, each acting once what they wait for has happened: the tenant's administrator
 * accepts once the invitation is mailed; once the subscriptions are planned, Microsoft completes the pay-as-you-go
 * transfer and the technical account manager moves the Enterprise Agreement's resources, an operator completing
 * the task (again, while Azure fails to answer the check). A run waiting for what already happened is woken: its
 * poll comes sooner than in production.
 */
function peopleOf(world: ReliabilityWorld, migration: StartedMigration) {
  const { engine } = world.h.modules.onboarding;
  let accepted = false;
  let transferred = false;
  let moveTarget = "";
  let taskDone = false;
  return {
    get moveTarget() {
      return moveTarget;
    },
    async act(): Promise<void> {
      const recorded = new Set((await engine.stepsOf(migration.runId)).map((s) => s.stepId));
      if (!accepted && recorded.has("send-invitation")) accepted = await acceptInvitation(world, migration);
      if (recorded.has("plan-subscriptions")) {
        if (!transferred) {
          await completeBillingTransfer(world, migration);
          transferred = true;
        }
        moveTarget ||= await createMoveTarget(world, migration);
        if (!taskDone) {
          const res = await completeMoveTask(world, migration, moveTarget);
          taskDone = res === null || res.status === 200;
        }
      }
      const run = await engine.runOf(migration.runId);
      if (run?.stepId === "await-acceptance" && accepted) await engine.wake(run.id, "await-acceptance");
      if (run?.stepId === "await-subscriptions" && transferred)
        await engine.wake(run.id, "await-subscriptions");
    },
  };
}

/**
 * A lane's workers: `start` lets one work; `kill`, where workers are processes, SIGKILLs the working one once `cut`
 * ended the request a hold caught, and lets the next one work; `stop` ends the work gracefully after a seed.
 */
type Workers = {
  start(): Promise<void>;
  readonly kill: ((cut: () => void) => Promise<void>) | null;
  stop(): Promise<void>;
  readonly kills: number;
};

type Lane = { world: ReliabilityWorld; workers: Workers; close(): Promise<void> };

async function openLane(i: number): Promise<Lane> {
  if (serverUrl) {
    const world = await scratchWorld(serverUrl, `w2m-${i}`);
    const lineage = workerLineage(world, { seed: 200 + i, standbys: 1 });
    return {
      world,
      workers: {
        start: () => lineage.handOver(),
        async kill(cut) {
          await lineage.kill();
          cut();
          await lineage.handOver();
        },
        stop: () => lineage.retire(),
        get kills() {
          return lineage.kills;
        },
      },
      async close() {
        await lineage.stop();
        await world.close();
      },
    };
  }
  const [pglite] = backends();
  assert.ok(pglite);
  const database = await pglite.open();
  const world = await reliabilityWorld(`w2m-${i}`, { database }, { clock: "system" });
  let worker: { stop(): Promise<void> } | null = null;
  let generation = 0;
  return {
    world,
    workers: {
      async start() {
        generation += 1;
        worker = await inProcessWorker(world, { seed: 200 + 1000 * i + generation });
      },
      kill: null,
      async stop() {
        await worker?.stop();
        worker = null;
      },
      kills: 0,
    },
    async close() {
      await worker?.stop();
      await world.close();
      await database.close();
    },
  };
}

const SETTLED: readonly RunState[] = ["succeeded", "failed", "stuck"];

void describe(
  `W2: tenants migrated under seeded faults${serverUrl ? " and worker kills" : ""}, on ${backend} (${seeds.length} ${seeds.length === 1 ? "seed" : "seeds"})`,
  { concurrency: LANES },
  () => {
    let lanes: Lane[] = [];
    const free: Lane[] = [];
    const waiting: ((lane: Lane) => void)[] = [];
    const take = () =>
      new Promise<Lane>((resolve) => {
        const lane = free.shift();
        if (lane) resolve(lane);
        else waiting.push(resolve);
      });
    const give = (lane: Lane) => {
      const next = waiting.shift();
      if (next) next(lane);
      else free.push(lane);
    };

    before(async () => {
      lanes = await Promise.all(Array.from({ length: LANES }, (_, i) => openLane(i)));
      free.push(...lanes);
    });
    after(async () => {
      for (const lane of lanes) await lane.close();
    });

    for (const seed of seeds)
      void test(`seed ${seed}: two migrations at once end ready with every effect once`, async (t) => {
        const lane = await take();
        try {
          await runSeed(t, lane, seed);
        } finally {
          give(lane);
        }
      });
  },
);

async function runSeed(t: TestContext, lane: Lane, seed: number): Promise<void> {
  const { world, workers } = lane;
  const replay = `seed ${seed} on ${backend} (replay with ONBOARDING_W2_MIGRATE_SEED=${seed})`;
  const { faults, kills: planned } = planFor(seed);
  // Where workers share the test's process, nobody is killed: the faults are the same.
  const plan = { faults, kills: workers.kill ? planned : [] };
  const killedBefore = workers.kills;
  t.diagnostic(
    `${replay}: ${JSON.stringify(plan, (_, v: unknown) => (v instanceof RegExp ? String(v) : v))}`,
  );
  const control = (method: string, pathname: string, json?: unknown) =>
    emulatorClient(world.emu).request(method, pathname, { json });

  const migrations: { migration: StartedMigration; people: ReturnType<typeof peopleOf> }[] = [];
  for (let i = 0; i < MIGRATIONS; i++) {
    const org = await addOrganization(world, `m${seed}o${i}`);
    const migration = await requestMigration(world, org, await existingTenant(world, `s${seed}t${i}`));
    migrations.push({ migration, people: peopleOf(world, migration) });
  }
  const recorder = world.emu.observer.record();
  for (const fault of plan.faults) {
    const added = await control("POST", "/_emulator/faults", { ...fault, seed });
    assert.equal(added.status, 201, `${replay}: ${JSON.stringify(added.body)}`);
  }
  let kills: Promise<void> = Promise.resolve();
  const holds: PendingHold[] = [];
  const { kill } = workers;
  if (kill)
    for (const k of plan.kills) {
      const pending = world.emu.observer.hold(k);
      void pending.held.then((held) => {
        kills = kills.then(() => kill(() => held.cut()));
      });
      holds.push(pending);
    }

  const runs = () =>
    Promise.all(migrations.map(({ migration }) => world.h.modules.onboarding.engine.runOf(migration.runId)));
  // Everything is armed before a worker starts: the runs meet the faults from their first step on.
  await workers.start();
  try {
    const end = Date.now() + SETTLE_MS;
    for (;;) {
      for (const { people } of migrations) await people.act();
      const states = await runs();
      if (states.every((r) => r && SETTLED.includes(r.state))) {
        for (const r of states)
          assert.equal(
            r?.state,
            "succeeded",
            `${replay}: run ${r?.id} ended ${r?.state} at ${r?.stepId}: ${r?.reason}`,
          );
        break;
      }
      if (Date.now() > end)
        assert.fail(
          `${replay}: the runs did not finish within ${SETTLE_MS} ms: ${JSON.stringify(states.map((r) => [r?.state, r?.stepId, r?.reason]))}`,
        );
      await sleep(200);
    }
  } finally {
    for (const h of holds) h.cancel();
    // A hold that caught a request just now queues its kill on the next turn of the event loop: let it.
    await new Promise((resolve) => setImmediate(resolve));
    await kills;
    await control("DELETE", "/_emulator/faults");
    recorder.stop();
    await workers.stop();
  }
  t.diagnostic(`${replay}: ${workers.kills - killedBefore} worker(s) killed`);

  for (const { migration, people } of migrations) {
    assert.deepEqual(await migrationDiffers(world, migration, people.moveTarget), [], replay);
    assert.deepEqual(await migrationDoneWithoutEffect(world, migration), [], replay);
  }
  // The partner cloud's account read carries no request id: only Microsoft's requests (MS-RequestId,
  // x-ms-client-request-id, Graph's client-request-id) can be told apart from a new call, so only they are judged.
  const microsoft = recorder.requests.filter((r) => !r.url.startsWith("/v2/"));
  assert.deepEqual(earlyReturns(microsoft), [], `${replay}: nobody came back before Retry-After`);
}
