import { asc, eq, isNull, and, sql } from "drizzle-orm";
import type { Clock } from "../../../platform/clock.ts";
import type { Db, Executor } from "../../../platform/db/types.ts";
import type { Logger } from "../../../platform/log.ts";
import { workflowEvents, workflowRuns, workflowSteps } from "../tables.ts";
import type { BackoffPolicy } from "./backoff.ts";
import { workflowRef, type Step, type WorkflowDefinition } from "./definitions.ts";

export type RunState = "queued" | "running" | "compensating" | "succeeded" | "failed" | "stuck" | "cancelled";

/** Persisted event types: never rename one. */
export type RunEventType =
  | "run_queued"
  | "step_started"
  | "step_succeeded"
  | "step_retried"
  | "step_waiting"
  | "step_failed"
  | "lease_expired"
  | "run_stuck"
  | "run_succeeded"
  | "run_failed"
  | "retry_requested"
  | "resumed"
  | "cancel_requested"
  | "run_compensating"
  | "undo_started"
  | "step_undone"
  | "run_cancelled";

/** One transition of a run, as stored and as given to `onTransition` listeners. */
export type RunEvent = {
  readonly runId: string;
  readonly workflow: string;
  readonly subject: Readonly<Record<string, string>>;
  readonly seq: number;
  readonly at: Date;
  readonly type: RunEventType;
  /** The run's state after this transition. */
  readonly state: RunState;
  readonly stepId: string | null;
  readonly attempt: number | null;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>> | null;
};

/**
 * Called inside the transaction that makes the transition, so what a listener writes (provider state, audit record,
 * webhook outbox row) commits with it or not at all. A listener that throws rolls the transition back: keep them small.
 */
export type TransitionListener = (event: RunEvent, tx: Executor) => Promise<void> | void;

export type EngineOptions = {
  /** How long a step may keep retrying or waiting before the run is stuck, unless the step says otherwise. */
  readonly defaultDeadlineMs: number;
  /** How long a claim holds a run; a worker renews it while a step runs, a killed worker's lease runs out. */
  readonly leaseMs: number;
  readonly backoff: BackoffPolicy;
};

export type AnyWorkflow = WorkflowDefinition<unknown>;

export type EngineDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log?: Logger | undefined;
  readonly options: EngineOptions;
  readonly workflows: Map<string, AnyWorkflow>;
  readonly listeners: TransitionListener[];
};

export type RunRow = typeof workflowRuns.$inferSelect;
export type RunPatch = Partial<Omit<typeof workflowRuns.$inferInsert, "id" | "eventSeq">>;
export type NewEvent = {
  type: RunEventType;
  stepId?: string | null;
  attempt?: number | null;
  reason?: string | null;
  details?: Record<string, unknown>;
};

export const TERMINAL: readonly RunState[] = ["succeeded", "cancelled"];

export function workflowOf(deps: EngineDeps, row: RunRow): AnyWorkflow | undefined {
  return deps.workflows.get(workflowRef(row.workflow, row.version));
}

export function stepOf(def: AnyWorkflow, stepId: string): Step<unknown> | undefined {
  return def.steps.find((s) => s.id === stepId);
}

/** The run row under a row lock (the caller's transaction), or null. */
export async function lockRun(tx: Executor, runId: string): Promise<RunRow | null> {
  const [row] = await tx.select().from(workflowRuns).where(eq(workflowRuns.id, runId)).for("update");
  return row ?? null;
}

/** Applies a change to a locked run and records its events (each seeing the new state), then tells the listeners. */
export async function transition(
  deps: EngineDeps,
  tx: Executor,
  row: RunRow,
  patch: RunPatch,
  events: NewEvent[],
): Promise<RunRow> {
  const at = deps.clock.now();
  const [updated] = await tx
    .update(workflowRuns)
    .set({ ...patch, updatedAt: at, eventSeq: sql`${workflowRuns.eventSeq} + ${events.length}` })
    .where(eq(workflowRuns.id, row.id))
    .returning();
  if (!updated) throw new Error(`workflow run ${row.id} vanished during a transition`);
  let seq = updated.eventSeq - events.length;
  for (const e of events) {
    seq += 1;
    const event: RunEvent = {
      runId: row.id,
      workflow: row.workflow,
      subject: row.subject,
      seq,
      at,
      type: e.type,
      state: updated.state as RunState,
      stepId: e.stepId === undefined ? updated.stepId : e.stepId,
      attempt: e.attempt === undefined ? updated.attempt : e.attempt,
      reason: e.reason ?? null,
      details: e.details ?? null,
    };
    await tx.insert(workflowEvents).values({
      runId: event.runId,
      seq: event.seq,
      at: event.at,
      type: event.type,
      state: event.state,
      stepId: event.stepId,
      attempt: event.attempt,
      reason: event.reason,
      details: e.details ?? null,
    });
    for (const listen of deps.listeners) await listen(event, tx);
  }
  return updated;
}

/** Outputs of the run's done steps that are not undone, by step id, in step order. */
export async function savedOutputs(
  tx: Executor,
  runId: string,
): Promise<{ stepId: string; stepIndex: number; output: unknown }[]> {
  return tx
    .select({
      stepId: workflowSteps.stepId,
      stepIndex: workflowSteps.stepIndex,
      output: workflowSteps.output,
    })
    .from(workflowSteps)
    .where(and(eq(workflowSteps.runId, runId), isNull(workflowSteps.undoneAt)))
    .orderBy(asc(workflowSteps.stepIndex));
}

const released: RunPatch = { leaseOwner: null, leaseUntil: null };

/**
 * Cancels a run that no worker is executing: compensation first if a done step has an undo and no done step is a
 * point of no return, otherwise straight to `cancelled`.
 */
export async function applyCancel(deps: EngineDeps, tx: Executor, row: RunRow): Promise<RunRow> {
  const now = deps.clock.now();
  const def = workflowOf(deps, row);
  const doneSteps = (await savedOutputs(tx, row.id)).map((s) => (def ? stepOf(def, s.stepId) : undefined));
  const pastPointOfNoReturn = doneSteps.some((s) => s?.pointOfNoReturn === true);
  const undoable = !pastPointOfNoReturn && doneSteps.some((s) => s?.undo !== undefined);
  if (undoable)
    return transition(
      deps,
      tx,
      row,
      {
        ...released,
        state: "compensating",
        attempt: 0,
        stepStartedAt: null,
        stepDeadlineAt: null,
        nextAt: now,
        waitingFor: null,
        finishedAt: null,
      },
      [{ type: "run_compensating", reason: row.cancelReason, stepId: null, attempt: null }],
    );
  return transition(
    deps,
    tx,
    row,
    { ...released, state: "cancelled", nextAt: null, waitingFor: null, finishedAt: now },
    [
      {
        type: "run_cancelled",
        reason: row.cancelReason,
        details: {
          undone: false,
          why: pastPointOfNoReturn ? "past the point of no return" : "no done step has an undo",
        },
      },
    ],
  );
}

export { released };
