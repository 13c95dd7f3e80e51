import assert from "node:assert/strict";
import { after, before, describe, test, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { HoldPhase, PendingHold } from "../src/emulator/control/observer.ts";
import type { RunState } from "../src/modules/onboarding/index.ts";
import { seededRandom } from "../src/platform/seeded-random.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import type { Auth } from "./support/harness.ts";
import {
  addOrganization,
  createProvider,
  doneWithoutEffect,
  earlyReturns,
  onboardingSteps,
  organizationDiffers,
  scratchWorld,
  workerLineage,
  type CreatedProvider,
  type Organization,
  type ReliabilityWorld,
  type StepMarker,
} from "./support/onboarding-reliability.ts";

const serverUrl = process.env["DATABASE_URL"];
const oneSeed = process.env["ONBOARDING_W2_SEED"];
/** Seeds 1…N (20 unless ONBOARDING_W2_SEEDS says), or the one ONBOARDING_W2_SEED names, to replay a failure. */
const seeds = oneSeed
  ? [Number(oneSeed)]
  : Array.from({ length: Number(process.env["ONBOARDING_W2_SEEDS"] ?? 20) }, (_, i) => i + 1);
/** Worlds that run seeds side by side, each with its own database, emulator and workers. */
const LANES = Math.min(5, seeds.length);
const ORGANIZATIONS = 2;
/** How long a seed's runs have to finish, or to stop as stuck or failed with a reason. */
const SETTLE_MS = 150_000;

/** The upstream routes the workflow calls (Entra's token endpoint aside: every run shares it). */
const FAULT_ROUTES = [
  "GET /v2/accounts/:alias",
  "HEAD /v1/domains/:domain",
  "POST /v1/validations/address",
  "GET /v1/customers",
  "POST /v1/customers",
  "POST /v1/customers/:id/applicationconsents",
  "POST /v1/customers/:id/agreements",
  "GET /v1/customers/:id/products/:productId/skus/:skuId/availabilities",
  "POST /v1/customers/:id/carts",
  "POST /v1/customers/:id/carts/:cartId/checkout",
  "GET /v1/customers/:id/orders/:orderId",
  "GET /v1/customers/:id/subscriptions/:subscriptionId/azureEntitlements",
  "PUT /providers/Microsoft.Subscription/aliases/:name",
  "PUT /subscriptions/:sub/*",
] as const;

type Fault = Record<string, unknown> & { route: string; kind: string };
type Kill = StepMarker & { phase: HoldPhase };
type Plan = { faults: Fault[]; kills: Kill[] };

/**
 * A seed's schedule: 2 to 5 faults on random routes (429 with Retry-After, 500, a timeout that cuts the connection
 * without acting, drop-after that acts and cuts, now and then a refusal that fails the step for good), each for the
 * next 1 to 3 matching requests; and 0 to 2 worker kills, each when a random step's request arrives or is applied.
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
    if (roll < 0.3) return { route, kind: "status", status: 429, retryAfterSeconds: 1 + below(2), times };
    if (roll < 0.5) return { route, kind: "status", status: 500, times };
    if (roll < 0.7) return { route, kind: "timeout", latencyMs: 200 + below(600), times };
    if (roll < 0.9) return { route, kind: "drop-after", times };
    return { route, kind: "status", status: 400, times: 1 };
  });
  const markers = onboardingSteps.flatMap((s) => (s.marker ? [s.marker] : []));
  const kills = Array.from({ length: below(3) }, (): Kill => ({
    ...pick(markers),
    phase: random() < 0.5 ? "received" : "applied",
  }));
  return { faults, kills };
}

type Lane = {
  world: ReliabilityWorld;
  lineage: ReturnType<typeof workerLineage>;
  operator: Auth;
};

const SETTLED: readonly RunState[] = ["succeeded", "failed", "stuck"];

// Worker processes share each lane's PostgreSQL database; PGlite belongs to one process, so PostgreSQL only.
void describe(
  `W2: new Azure customers onboarded under seeded faults and worker kills (${seeds.length} ${seeds.length === 1 ? "seed" : "seeds"})`,
  { skip: !serverUrl, concurrency: LANES },
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
      lanes = await Promise.all(
        Array.from({ length: LANES }, async (_, i): Promise<Lane> => {
          const world = await scratchWorld(serverUrl ?? "", `w2-${i}`);
          const lineage = workerLineage(world, { seed: 100 + i, standbys: 1 });
          return { world, lineage, operator: await world.h.sessionFor(world.w.ids.operator) };
        }),
      );
      free.push(...lanes);
    });
    after(async () => {
      for (const lane of lanes) {
        await lane.lineage.stop();
        await lane.world.close();
      }
    });

    for (const seed of seeds)
      void test(`seed ${seed}: every run ends ready, once faults clear and operators retry what failed`, async (t) => {
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
  const { world, lineage } = lane;
  const replay = `seed ${seed} (replay with ONBOARDING_W2_SEED=${seed})`;
  const plan = planFor(seed);
  const killedBefore = lineage.kills;
  t.diagnostic(`${replay}: ${JSON.stringify(plan)}`);
  const control = (method: string, pathname: string, json?: unknown) =>
    emulatorClient(world.emu).request(method, pathname, { json });

  const orgs: { org: Organization; providers: CreatedProvider[] }[] = [];
  for (let i = 0; i < ORGANIZATIONS; i++) {
    const org = await addOrganization(world, `s${seed}o${i}`);
    // The first provider creates the customer; the second, created at once, waits for it and adds a subscription.
    const providers = [
      await createProvider(world, org, "Azure production"),
      await createProvider(world, org, "Azure test"),
    ];
    orgs.push({ org, providers });
  }
  const runs = orgs.flatMap((o) => o.providers);
  const recorder = world.emu.observer.record();
  for (const fault of plan.faults) {
    const added = await control("POST", "/_emulator/faults", { ...fault, seed });
    assert.equal(added.status, 201, `${replay}: ${JSON.stringify(added.body)}`);
  }
  let kills: Promise<void> = Promise.resolve();
  const holds: PendingHold[] = plan.kills.map((k) => {
    const pending = world.emu.observer.hold(k);
    void pending.held.then((held) => {
      kills = kills.then(async () => {
        await lineage.kill();
        held.cut();
        await lineage.handOver();
      });
    });
    return pending;
  });
  const faultsOver = async () => {
    for (const h of holds) h.cancel();
    // A hold that caught a request just now queues its kill on the next turn of the event loop: let it.
    await new Promise((resolve) => setImmediate(resolve));
    await kills;
    await control("DELETE", "/_emulator/faults");
  };

  const stateOf = async (p: CreatedProvider) => world.h.modules.onboarding.engine.runOf(p.runId);
  // A run waiting for its organization's customer waits as long as the run creating it has not ended.
  const settled = async () => {
    for (const { providers } of orgs) {
      const [creator, ...others] = await Promise.all(providers.map(stateOf));
      if (!creator || !SETTLED.includes(creator.state)) return false;
      for (const r of others)
        if (
          r &&
          !SETTLED.includes(r.state) &&
          !(r.stepId === "await-customer" && creator.state !== "succeeded")
        )
          return false;
    }
    return true;
  };
  const until = async (check: () => Promise<boolean>, what: string) => {
    const end = Date.now() + SETTLE_MS;
    while (!(await check())) {
      if (Date.now() > end) {
        const states = await Promise.all(runs.map(stateOf));
        assert.fail(
          `${replay}: ${what} within ${SETTLE_MS} ms: ${JSON.stringify(states.map((r) => [r?.state, r?.stepId, r?.reason]))}`,
        );
      }
      await sleep(200);
    }
  };

  // Everything is armed before a worker starts: the runs meet the faults from their first step on.
  await lineage.handOver();
  try {
    try {
      await until(settled, "the runs did not finish or stop");
      for (const r of await Promise.all(runs.map(stateOf)))
        if (r && (r.state === "failed" || r.state === "stuck"))
          assert.ok(r.reason, `${replay}: run ${r.id} is ${r.state} with a reason`);
    } finally {
      await faultsOver();
    }
    const retried: string[] = [];
    for (const r of await Promise.all(runs.map(stateOf)))
      if (r && (r.state === "failed" || r.state === "stuck")) {
        const res = await world.h.request(lane.operator, "POST", `/api/v1/onboarding-runs/${r.id}/retry`);
        assert.equal(res.status, 200, `${replay}: ${res.body}`);
        retried.push(`${r.stepId}: ${r.reason ?? ""}`);
      }
    t.diagnostic(
      `${replay}: ${lineage.kills - killedBefore} worker(s) killed; retried: ${retried.join("; ") || "none"}`,
    );
    await until(
      async () => (await Promise.all(runs.map(stateOf))).every((r) => r?.state === "succeeded"),
      "the runs did not all succeed after the faults were cleared",
    );
  } finally {
    recorder.stop();
    await lineage.retire();
  }

  for (const { org, providers } of orgs)
    assert.deepEqual(await organizationDiffers(world, org, providers), [], replay);
  for (const run of runs) assert.deepEqual(await doneWithoutEffect(world, run.runId), [], replay);
  // The partner cloud's account read carries no request id, and both runs of an organization make it: the two
  // calls cannot be told apart, so only Microsoft's requests (MS-RequestId, x-ms-client-request-id) are judged.
  const microsoft = recorder.requests.filter((r) => !r.url.startsWith("/v2/"));
  assert.deepEqual(earlyReturns(microsoft), [], `${replay}: nobody came back before Retry-After`);
}
