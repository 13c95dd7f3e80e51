import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Executor } from "../../../platform/db/types.ts";
import { workflowRuns, workflowSteps } from "../tables.ts";
import { decide } from "./decide.ts";
import type { StepContext, StepOutcome, Step } from "./definitions.ts";
import {
  applyCancel,
  lockRun,
  released,
  savedOutputs,
  stepOf,
  transition,
  workflowOf,
  type AnyWorkflow,
  type EngineDeps,
  type RunPatch,
  type RunRow,
} from "./store.ts";

type Claim = {
  readonly row: RunRow;
  readonly def: AnyWorkflow;
  readonly step: Step<unknown>;
  readonly mode: "step" | "undo";
  readonly outputs: Record<string, unknown>;
};

/** Thrown inside a transactional step's savepoint to roll its writes back when it did not finish. */
class NotDone extends Error {}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 1000);

export function createWorkerCore(deps: EngineDeps, workerId: string) {
  const { clock, options } = deps;
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  /** Takes the next due run under a lease, or settles it when no step needs to run. Null when nothing is due. */
  async function claim(): Promise<Claim | "settled" | null> {
    return deps.db.transaction(async (tx) => {
      const now = clock.now();
      const [found] = await tx
        .select()
        .from(workflowRuns)
        .where(
          and(
            inArray(workflowRuns.state, ["queued", "running", "compensating"]),
            lte(workflowRuns.nextAt, now),
            or(isNull(workflowRuns.leaseUntil), lte(workflowRuns.leaseUntil, now)),
          ),
        )
        .orderBy(asc(workflowRuns.nextAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!found) return null;
      let row = found;
      if (row.leaseOwner !== null)
        row = await transition(deps, tx, row, released, [
          {
            type: "lease_expired",
            reason: "the worker executing this step stopped answering; another worker takes over",
            details: { worker: row.leaseOwner },
          },
        ]);
      const def = workflowOf(deps, row);
      if (!def) {
        await transition(deps, tx, row, { ...released, state: "stuck", nextAt: null }, [
          {
            type: "run_stuck",
            reason: `workflow ${row.workflow} version ${row.version} is not known to this worker`,
          },
        ]);
        return "settled";
      }
      if (row.cancelReason !== null && row.state !== "compensating") {
        await applyCancel(deps, tx, row);
        return "settled";
      }
      const saved = await savedOutputs(tx, row.id);
      const outputs = Object.fromEntries(saved.map((s) => [s.stepId, s.output]));
      let step: Step<unknown> | undefined;
      const mode = row.state === "compensating" ? "undo" : "step";
      if (mode === "undo") {
        const target = [...saved].reverse().find((s) => stepOf(def, s.stepId)?.undo !== undefined);
        if (!target) {
          await transition(
            deps,
            tx,
            row,
            { ...released, state: "cancelled", nextAt: null, finishedAt: now },
            [
              {
                type: "run_cancelled",
                reason: row.cancelReason,
                stepId: null,
                attempt: null,
                details: { undone: true },
              },
            ],
          );
          return "settled";
        }
        step = stepOf(def, target.stepId);
        if (row.stepId !== target.stepId)
          row = { ...row, stepId: target.stepId, attempt: 0, stepDeadlineAt: null };
      } else step = def.steps[row.stepIndex];
      if (!step) throw new Error(`run ${row.id}: workflow ${row.workflow} has no step ${row.stepIndex}`);
      if (row.stepDeadlineAt && now.getTime() > row.stepDeadlineAt.getTime()) {
        await transition(deps, tx, row, { ...released, state: "stuck", nextAt: null }, [
          {
            type: "run_stuck",
            reason: `deadline passed; last error: ${row.lastError ?? "no answer from the step (its worker stopped)"}`,
          },
        ]);
        return "settled";
      }
      const attempt = row.attempt + 1;
      const claimed = await transition(
        deps,
        tx,
        row,
        {
          state: mode === "undo" ? "compensating" : "running",
          stepId: step.id,
          attempt,
          stepStartedAt: row.attempt === 0 ? now : row.stepStartedAt,
          stepDeadlineAt: row.stepDeadlineAt ?? later(step.deadlineMs ?? options.defaultDeadlineMs),
          leaseOwner: workerId,
          leaseUntil: later(options.leaseMs),
          leaseToken: row.leaseToken + 1,
        },
        [{ type: mode === "undo" ? "undo_started" : "step_started", stepId: step.id, attempt }],
      );
      return { row: claimed, def, step, mode, outputs };
    });
  }

  function contextFor(c: Claim, signal: AbortSignal): StepContext<unknown> {
    const stepId = c.step.id;
    return {
      runId: c.row.id,
      workflow: c.row.workflow,
      stepId,
      attempt: c.row.attempt,
      idempotencyKey: c.mode === "undo" ? `${c.row.id}:${stepId}:undo` : `${c.row.id}:${stepId}`,
      input: c.row.input,
      subject: c.row.subject,
      outputs: c.outputs,
      output: (id, schema) => schema.parse(c.outputs[id]),
      clock,
      random: deps.random,
      signal,
    };
  }

  /** The run locked again for recording, if this worker still holds the lease it claimed (fencing). */
  async function fenced(tx: Executor, c: Claim): Promise<RunRow | null> {
    const row = await lockRun(tx, c.row.id);
    if (row?.leaseOwner !== workerId || row.leaseToken !== c.row.leaseToken) {
      deps.log?.warn({ runId: c.row.id, stepId: c.step.id }, "lease lost before the outcome was recorded");
      return null;
    }
    return row;
  }

  async function record(tx: Executor, row: RunRow, c: Claim, outcome: StepOutcome): Promise<void> {
    const now = clock.now();
    const deadlineAt = row.stepDeadlineAt ?? now;
    const decision = decide({ attempt: row.attempt, deadlineAt }, outcome, now, deps.random, options.backoff);
    const stepId = c.step.id;
    const base: RunPatch = { ...released };
    let after: RunRow;
    switch (decision.kind) {
      case "done": {
        if (c.mode === "undo") {
          await tx
            .update(workflowSteps)
            .set({ undoneAt: now })
            .where(and(eq(workflowSteps.runId, row.id), eq(workflowSteps.stepId, stepId)));
          await transition(
            deps,
            tx,
            row,
            { ...base, attempt: 0, stepStartedAt: null, stepDeadlineAt: null, nextAt: now, lastError: null },
            [{ type: "step_undone" }],
          );
          return;
        }
        await tx
          .insert(workflowSteps)
          .values({
            runId: row.id,
            stepId,
            stepIndex: row.stepIndex,
            output: decision.output ?? null,
            attempts: row.attempt,
            completedAt: now,
          })
          .onConflictDoNothing();
        const next = c.def.steps[row.stepIndex + 1];
        after = next
          ? await transition(
              deps,
              tx,
              row,
              {
                ...base,
                stepIndex: row.stepIndex + 1,
                stepId: next.id,
                attempt: 0,
                stepStartedAt: null,
                stepDeadlineAt: null,
                nextAt: now,
                waitingFor: null,
                reason: null,
                lastError: null,
              },
              [{ type: "step_succeeded", stepId, attempt: row.attempt }],
            )
          : await transition(
              deps,
              tx,
              row,
              { ...base, state: "succeeded", nextAt: null, waitingFor: null, reason: null, finishedAt: now },
              [{ type: "step_succeeded" }, { type: "run_succeeded", stepId: null, attempt: null }],
            );
        break;
      }
      case "retry":
        after = await transition(
          deps,
          tx,
          row,
          { ...base, nextAt: decision.nextAt, reason: decision.reason, lastError: decision.reason },
          [
            {
              type: "step_retried",
              reason: decision.reason,
              details: { nextAt: decision.nextAt.toISOString() },
            },
          ],
        );
        break;
      case "wait":
        after = await transition(
          deps,
          tx,
          row,
          { ...base, nextAt: decision.nextAt, reason: decision.reason, waitingFor: decision.waitingFor },
          [
            {
              type: "step_waiting",
              reason: decision.reason,
              details: { waitingFor: decision.waitingFor, nextAt: decision.nextAt.toISOString() },
            },
          ],
        );
        break;
      case "stuck":
        after = await transition(
          deps,
          tx,
          row,
          { ...base, state: "stuck", nextAt: null, reason: decision.reason, waitingFor: decision.waitingFor },
          [{ type: "run_stuck", reason: decision.reason }],
        );
        break;
      case "fail":
        after =
          c.mode === "undo"
            ? await transition(
                deps,
                tx,
                row,
                {
                  ...base,
                  state: "stuck",
                  nextAt: null,
                  reason: `undo failed: ${decision.message}`,
                  lastError: decision.message,
                },
                [{ type: "run_stuck", reason: `undo failed (${decision.code}): ${decision.message}` }],
              )
            : await transition(
                deps,
                tx,
                row,
                {
                  ...base,
                  state: "failed",
                  nextAt: null,
                  errorCode: decision.code,
                  lastError: decision.message,
                  reason: decision.message,
                  finishedAt: now,
                },
                [
                  { type: "step_failed", reason: decision.message, details: { code: decision.code } },
                  { type: "run_failed", reason: decision.message, details: { code: decision.code } },
                ],
              );
        break;
    }
    // A cancellation that arrived while the step ran is applied once its outcome is saved.
    if (c.mode === "step" && after.cancelReason !== null && after.state !== "succeeded")
      await applyCancel(deps, tx, after);
  }

  async function execute(c: Claim): Promise<void> {
    const abort = new AbortController();
    const ctx = contextFor(c, abort.signal);
    const step = c.step;
    if (c.mode === "step" && step.transactional === true) {
      // The run row stays locked for the whole step, so no lease renewal is needed and no other worker can claim it.
      await deps.db.transaction(async (tx) => {
        const row = await fenced(tx, c);
        if (!row) return;
        let outcome: StepOutcome = { kind: "retry", reason: "the step did not answer" };
        try {
          await tx.transaction(async (sp) => {
            outcome = await step.run({ ...ctx, tx: sp });
            if (outcome.kind !== "done") throw new NotDone();
          });
        } catch (e) {
          if (!(e instanceof NotDone)) outcome = { kind: "retry", reason: `error: ${errorText(e)}` };
        }
        await record(tx, row, c, outcome);
      });
      return;
    }
    const heartbeat = setInterval(
      () => {
        void deps.db
          .update(workflowRuns)
          .set({ leaseUntil: later(options.leaseMs) })
          .where(and(eq(workflowRuns.id, c.row.id), eq(workflowRuns.leaseToken, c.row.leaseToken)))
          .returning({ id: workflowRuns.id })
          .then((rows) => {
            if (rows.length === 0) abort.abort(new Error("lease lost"));
          })
          .catch((e: unknown) => deps.log?.warn({ err: e, runId: c.row.id }, "lease renewal failed"));
      },
      Math.max(10, Math.floor(options.leaseMs / 3)),
    );
    let outcome: StepOutcome;
    try {
      if (c.mode === "undo") {
        outcome = step.undo ? await step.undo(ctx) : { kind: "done", output: null };
      } else if (step.transactional !== true) outcome = await step.run(ctx);
      else throw new Error(`step ${step.id} is transactional and runs inside its recording transaction`);
    } catch (e) {
      outcome = { kind: "retry", reason: `error: ${errorText(e)}` };
    } finally {
      clearInterval(heartbeat);
    }
    await deps.db.transaction(async (tx) => {
      const row = await fenced(tx, c);
      if (row) await record(tx, row, c, outcome);
    });
  }

  return {
    /** Claims one due run and executes one step (or settles it). False when nothing was due. */
    async runOnce(): Promise<boolean> {
      const c = await claim();
      if (c === null) return false;
      if (c !== "settled") await execute(c);
      return true;
    },
  };
}

export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
}
