import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { HeldRequest, HoldPhase } from "../src/emulator/control/observer.ts";
import {
  acceptInvitation,
  completeBillingTransfer,
  completeMoveTask,
  createMoveTarget,
  existingTenant,
  migrationDiffers,
  migrationDoneWithoutEffect,
  migrationSteps,
  onSubscription,
  requestMigration,
  type StartedMigration,
} from "./support/onboarding-reliability-migrate.ts";
import {
  addOrganization,
  scratchWorld,
  workerLineage,
  type ReliabilityWorld,
} from "./support/onboarding-reliability.ts";

const serverUrl = process.env["DATABASE_URL"];
const REACH_MS = 60_000;

/**
 * One move of the test through a migration: kill the worker while a step's upstream request is held (before or
 * after its effect; `subscription` picks the managed subscription of a per-subscription step), after a step is
 * recorded, or once the run has gone back to waiting at a step; or let a person act while no worker works.
 */
type Move =
  | {
      readonly kind: "request";
      readonly stepId: string;
      readonly phase: HoldPhase;
      readonly subscription?: number;
    }
  | { readonly kind: "boundary"; readonly stepId: string }
  | { readonly kind: "waiting"; readonly stepId: string }
  | { readonly kind: "act"; readonly label: string; act(): Promise<void> };

const describeMove = (m: Move) => {
  switch (m.kind) {
    case "request":
      return `${m.phase === "received" ? "before" : "after"} the effect of ${m.stepId}${m.subscription === undefined ? "" : ` on managed subscription ${m.subscription + 1}`}`;
    case "boundary":
      return `after ${m.stepId} is recorded`;
    case "waiting":
      return `while the run waits at ${m.stepId}`;
    case "act":
      return m.label;
  }
};

// Worker processes share one PostgreSQL database; PGlite belongs to one process, so this runs on PostgreSQL only.
void describe(
  "W1: a worker killed at every step of a tenant's migration",
  { skip: serverUrl ? false : "worker processes need a PostgreSQL database to share (DATABASE_URL)" },
  () => {
    let world: ReliabilityWorld;
    let lineage: ReturnType<typeof workerLineage>;

    before(async () => {
      world = await scratchWorld(serverUrl ?? "", "w1m");
      lineage = workerLineage(world, { seed: 7 });
    });
    after(async () => {
      await lineage.stop();
      await world.close();
    });

    const query = async (sql: string, params: unknown[]) => (await world.database.query(sql, params)).rows;

    /** Resolves once `check` holds, or fails naming what was awaited and where the run stood. */
    async function until(migration: StartedMigration, what: string, check: () => Promise<boolean>) {
      const end = Date.now() + REACH_MS;
      while (!(await check())) {
        if (Date.now() > end) {
          const run = await world.h.modules.onboarding.engine.runOf(migration.runId);
          assert.fail(
            `timed out waiting for ${what}: the run is ${run?.state} at ${run?.stepId} (${run?.reason ?? run?.lastError ?? ""})`,
          );
        }
        await sleep(5);
      }
    }

    /** The held request, or a failure naming the move and where the run stood. */
    async function heldWithin(migration: StartedMigration, what: string, held: Promise<HeldRequest>) {
      let caught: HeldRequest | null = null;
      void held.then((h) => (caught = h));
      await until(migration, what, () => Promise.resolve(caught !== null));
      return held;
    }

    const waits = async (runId: string, stepId: string) =>
      (
        await query(
          "SELECT 1 FROM workflow_events WHERE run_id = $1 AND step_id = $2 AND type = 'step_waiting'",
          [runId, stepId],
        )
      ).length;

    /** The managed subscriptions as the run linked them, in the order its access steps work through them. */
    async function managedOf(runId: string): Promise<string[]> {
      const linked = (await world.h.modules.onboarding.engine.stepsOf(runId)).find(
        (s) => s.stepId === "link-billing-account",
      );
      return z.object({ subscriptionIds: z.array(z.string()) }).parse(linked?.output).subscriptionIds;
    }

    /** Every move of a migration, in the order the run meets them. */
    function movesOf(migration: StartedMigration): Move[] {
      const people: Record<string, { before: Move[]; after: Move[] }> = {
        "await-acceptance": {
          before: [
            {
              kind: "act",
              label: "the tenant's administrator accepts the invitation mailed to them",
              act: async () =>
                assert.ok(await acceptInvitation(world, migration), "the invitation was mailed"),
            },
          ],
          after: [],
        },
        "await-subscriptions": {
          before: [
            {
              kind: "act",
              label: "Microsoft completes the pay-as-you-go subscription's billing transfer",
              act: () => completeBillingTransfer(world, migration),
            },
          ],
          after: [
            { kind: "waiting", stepId: "await-subscriptions" },
            {
              kind: "act",
              label: "the technical account manager moves the resources and an operator completes the task",
              act: async () => {
                const target = await createMoveTarget(world, migration);
                const res = await completeMoveTask(world, migration, target);
                assert.equal(res?.status, 200, res?.body);
              },
            },
          ],
        },
      };
      return migrationSteps.flatMap((s): Move[] => {
        const around = people[s.id];
        const requests = (subscription?: number): Move[] => [
          {
            kind: "request",
            stepId: s.id,
            phase: "received",
            ...(subscription === undefined ? {} : { subscription }),
          },
          {
            kind: "request",
            stepId: s.id,
            phase: "applied",
            ...(subscription === undefined ? {} : { subscription }),
          },
        ];
        return [
          ...(around ? [{ kind: "waiting", stepId: s.id } as const, ...around.before] : []),
          ...(s.marker ? (s.perSubscription ? [...requests(0), ...requests(1)] : requests()) : []),
          ...(around?.after ?? []),
          { kind: "boundary", stepId: s.id },
        ];
      });
    }

    /** Plays the moves: each kill leaves no step marked done without its effect, and a fresh worker takes over. */
    async function crashThrough(migration: StartedMigration, moves: Move[]): Promise<void> {
      for (const move of moves) {
        const label = describeMove(move);
        if (move.kind === "act") {
          await move.act();
          continue;
        }
        if (move.kind === "request") {
          const marker = migrationSteps.find((s) => s.id === move.stepId)?.marker;
          assert.ok(marker, `${move.stepId} has an upstream request`);
          const at =
            move.subscription === undefined
              ? marker
              : onSubscription(marker, (await managedOf(migration.runId))[move.subscription] ?? "");
          const pending = world.emu.observer.hold({ ...at, phase: move.phase });
          await lineage.handOver();
          const request = await heldWithin(migration, label, pending.held);
          await lineage.kill();
          request.cut();
        } else if (move.kind === "boundary") {
          await lineage.handOver();
          await until(
            migration,
            label,
            async () =>
              (
                await query("SELECT 1 FROM workflow_steps WHERE run_id = $1 AND step_id = $2", [
                  migration.runId,
                  move.stepId,
                ])
              ).length > 0,
          );
          await lineage.kill();
        } else {
          const before = await waits(migration.runId, move.stepId);
          await lineage.handOver();
          await until(migration, label, async () => (await waits(migration.runId, move.stepId)) > before);
          await lineage.kill();
        }
        assert.deepEqual(await migrationDoneWithoutEffect(world, migration), [], `killed ${label}`);
      }
      await lineage.handOver();
      await until(
        migration,
        "the run to finish after the last kill",
        async () => (await world.h.modules.onboarding.engine.runOf(migration.runId))?.state === "succeeded",
      );
      await lineage.retire();
    }

    void test("a tenant with a pay-as-you-go and an Enterprise Agreement subscription is migrated and ready, whatever step its worker dies at", async () => {
      const org = await addOrganization(world, "w1m");
      const tenant = await existingTenant(world, "w1");
      const migration = await requestMigration(world, org, tenant);
      const progress = await world.h.modules.onboarding.progress(migration.runId);
      assert.deepEqual(
        progress?.steps.map((s) => s.id),
        migrationSteps.map((s) => s.id),
        "the moves cover every step of the workflow",
      );
      const moves = movesOf(migration);
      await crashThrough(migration, moves);
      assert.equal(lineage.kills, moves.filter((m) => m.kind !== "act").length);
      // The tenant's third subscription is the one the technical account manager made for the move.
      const [moveTarget, ...others] = world.emu.state
        .subscriptionsOf(tenant.tenantId)
        .map((s) => s.subscriptionId)
        .filter((id) => id !== tenant.payAsYouGo && id !== tenant.enterpriseAgreement);
      assert.deepEqual(others, []);
      assert.deepEqual(await migrationDiffers(world, migration, moveTarget ?? ""), []);
    });
  },
);
