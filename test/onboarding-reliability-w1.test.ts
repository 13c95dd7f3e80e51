import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { HeldRequest, HoldPhase } from "../src/emulator/control/observer.ts";
import {
  addOrganization,
  createProvider,
  doneWithoutEffect,
  onboardingSteps,
  organizationDiffers,
  providerOf,
  scratchWorld,
  workerLineage,
  type CreatedProvider,
  type Organization,
  type ReliabilityWorld,
} from "./support/onboarding-reliability.ts";

const serverUrl = process.env["DATABASE_URL"];

/** Where a worker is killed: while a step's upstream request is held (before or after its effect), or after a step is recorded. */
type CrashPoint =
  | { readonly stepId: string; readonly kind: "request"; readonly phase: HoldPhase }
  | { readonly stepId: string; readonly kind: "boundary" };

const describePoint = (p: CrashPoint) =>
  p.kind === "boundary"
    ? `after ${p.stepId} is recorded`
    : `${p.phase === "received" ? "before" : "after"} the effect of ${p.stepId}`;

/** Every crash point of one kind of run, in the order a run meets them. */
function crashPoints(path: "creates" | "adds"): CrashPoint[] {
  return onboardingSteps.flatMap((s): CrashPoint[] => {
    const calls = s.marker && (s.calledBy === "both" || s.calledBy === path);
    return [
      ...(calls
        ? [
            { stepId: s.id, kind: "request", phase: "received" } as const,
            { stepId: s.id, kind: "request", phase: "applied" } as const,
          ]
        : []),
      { stepId: s.id, kind: "boundary" } as const,
    ];
  });
}

const REACH_MS = 60_000;

// Worker processes share one PostgreSQL database; PGlite belongs to one process, so this runs on PostgreSQL only.
void describe(
  "W1: a worker killed at every step of a new Azure customer's onboarding",
  { skip: !serverUrl },
  () => {
    let world: ReliabilityWorld;
    let org: Organization;
    let lineage: ReturnType<typeof workerLineage>;
    const providers: CreatedProvider[] = [];

    before(async () => {
      world = await scratchWorld(serverUrl ?? "", "w1");
      org = await addOrganization(world, "w1");
      lineage = workerLineage(world, { seed: 1 });
    });
    after(async () => {
      await lineage.stop();
      await world.close();
    });

    /** Resolves when the run has recorded the step (its transaction committed). */
    async function recorded(runId: string, stepId: string): Promise<void> {
      const end = Date.now() + REACH_MS;
      while (Date.now() < end) {
        const found = await world.database.query(
          "SELECT 1 FROM workflow_steps WHERE run_id = $1 AND step_id = $2",
          [runId, stepId],
        );
        if (found.rows.length > 0) return;
        await sleep(2);
      }
      assert.fail(`run ${runId} did not record ${stepId} within ${REACH_MS} ms`);
    }

    /** The promise's value, or a failure naming what was awaited and where the run stood. */
    async function within<T>(runId: string, what: string, promise: Promise<T>): Promise<T> {
      const stop = new AbortController();
      const timeout = sleep(REACH_MS, undefined, { signal: stop.signal }).then(async () => {
        const run = await world.h.modules.onboarding.engine.runOf(runId);
        throw new Error(
          `timed out waiting for ${what}: the run is ${run?.state} at ${run?.stepId} (${run?.reason ?? run?.lastError ?? ""})`,
        );
      });
      timeout.catch(() => undefined);
      try {
        return await Promise.race([promise, timeout]);
      } finally {
        stop.abort();
      }
    }

    /**
     * Drives the run through every crash point: arms the point, lets a worker work, kills it there, checks that no
     * step is marked done without its effect, and hands over to a fresh worker, until the run has ended.
     */
    async function crashThrough(run: CreatedProvider, points: CrashPoint[]): Promise<void> {
      for (const point of points) {
        const label = describePoint(point);
        const step = onboardingSteps.find((s) => s.id === point.stepId);
        let held: Promise<HeldRequest> | null = null;
        if (point.kind === "request") {
          const marker = step?.marker;
          assert.ok(marker, `${point.stepId} has an upstream request`);
          held = world.emu.observer.hold({ ...marker, phase: point.phase }).held;
        }
        await lineage.handOver();
        if (held) {
          const request = await within(run.runId, label, held);
          await lineage.kill();
          request.cut();
        } else {
          await recorded(run.runId, point.stepId);
          await lineage.kill();
        }
        assert.deepEqual(await doneWithoutEffect(world, run.runId), [], `killed ${label}`);
      }
      await lineage.handOver();
      const end = Date.now() + REACH_MS;
      while ((await world.h.modules.onboarding.engine.runOf(run.runId))?.state !== "succeeded") {
        assert.ok(Date.now() < end, "the run finishes after the last crash");
        await sleep(50);
      }
      await lineage.retire();
    }

    void test("the organization's first provider creates its customer and reaches ready, whatever step its worker dies at", async () => {
      const first = await createProvider(world, org, "Azure production");
      providers.push(first);
      const progress = await world.h.modules.onboarding.progress(first.runId);
      assert.deepEqual(
        progress?.steps.map((s) => s.id),
        onboardingSteps.map((s) => s.id),
        "the crash points cover every step of the workflow",
      );
      const points = crashPoints("creates");
      await crashThrough(first, points);
      assert.equal((await providerOf(world, first.providerId)).state, "ready");
      assert.deepEqual(await organizationDiffers(world, org, providers), []);
      assert.equal(lineage.kills, points.length);
      // Killed after Partner Center created the customer, the next worker sent the create again with the same
      // MS-RequestId and got the first answer back: the administrator's one-time password was not lost.
      const card = await world.h.modules.onboarding.azureCustomer(world.w.operator, org.orgId);
      assert.ok(card.ok);
      assert.equal(card.value.credentials, "available");
    });

    void test("a second provider adds its subscription under the customer and reaches ready, whatever step its worker dies at", async () => {
      const second = await createProvider(world, org, "Azure test");
      providers.push(second);
      await crashThrough(second, crashPoints("adds"));
      assert.equal((await providerOf(world, second.providerId)).state, "ready");
      assert.deepEqual(await organizationDiffers(world, org, providers), []);
      const attested = (await world.h.modules.onboarding.engine.stepsOf(second.runId)).find(
        (s) => s.stepId === "attest-agreement",
      );
      assert.deepEqual(attested?.output, { skipped: true }, "only the first provider attests the agreement");
    });
  },
);
