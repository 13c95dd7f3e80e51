import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../../platform/db/types.ts";
import { newId } from "../../../platform/ids.ts";
import { err, ok, type Result } from "../../../platform/result.ts";
import { workflowEvents, workflowRuns, workflowSteps } from "../tables.ts";
import { workflowRef, type WorkflowDefinition } from "./definitions.ts";
import { engineErrors, type EngineError } from "./errors.ts";
import {
  applyCancel,
  lockRun,
  released,
  TERMINAL,
  transition,
  workflowOf,
  type EngineDeps,
  type RunEvent,
  type RunEventType,
  type RunRow,
  type RunState,
} from "./store.ts";

/** A run as operators and the console see it. */
export type RunView = {
  readonly id: string;
  readonly workflow: string;
  readonly version: number;
  readonly key: string;
  readonly subject: Readonly<Record<string, string>>;
  readonly input: unknown;
  readonly state: RunState;
  readonly stepId: string | null;
  /** 1-based position of the current step, and how many steps the workflow has. */
  readonly stepNumber: number;
  readonly stepCount: number;
  readonly attempt: number;
  readonly waitingFor: string | null;
  readonly reason: string | null;
  readonly lastError: string | null;
  readonly errorCode: string | null;
  readonly cancelReason: string | null;
  readonly nextAt: Date | null;
  readonly stepDeadlineAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
};

export function viewOf(deps: EngineDeps, row: RunRow): RunView {
  const def = workflowOf(deps, row);
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    key: row.key,
    subject: row.subject,
    input: row.input,
    state: row.state as RunState,
    stepId: row.stepId,
    stepNumber: row.stepIndex + 1,
    stepCount: def?.steps.length ?? row.stepIndex + 1,
    attempt: row.attempt,
    waitingFor: row.waitingFor,
    reason: row.reason,
    lastError: row.lastError,
    errorCode: row.errorCode,
    cancelReason: row.cancelReason,
    nextAt: row.nextAt,
    stepDeadlineAt: row.stepDeadlineAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

export function createRuns(deps: EngineDeps) {
  async function mutate(
    runId: string,
    change: (tx: Executor, row: RunRow) => Promise<Result<RunRow, EngineError>>,
  ): Promise<Result<RunView, EngineError>> {
    return deps.db.transaction(async (tx) => {
      const row = await lockRun(tx, runId);
      if (!row) return err(engineErrors.notFound(runId));
      const changed = await change(tx, row);
      return changed.ok ? ok(viewOf(deps, changed.value)) : changed;
    });
  }

  return {
    /**
     * Starts a run in the caller's transaction: it exists (and a worker may pick it up) only if that transaction
     * commits. One run per (workflow, key): starting again with the same key returns the existing run, `created: false`.
     */
    async start<I>(
      tx: Executor,
      p: { workflow: WorkflowDefinition<I>; key: string; input: unknown; subject: Record<string, string> },
    ): Promise<Result<{ run: RunView; created: boolean }, EngineError>> {
      const { name, version } = p.workflow;
      const def = deps.workflows.get(workflowRef(name, version));
      if (!def) return err(engineErrors.unknown(name, version));
      const parsed = def.input.safeParse(p.input);
      if (!parsed.success)
        return err(
          engineErrors.inputInvalid(
            name,
            parsed.error.issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; "),
          ),
        );
      const now = deps.clock.now();
      const first = def.steps[0];
      const [inserted] = await tx
        .insert(workflowRuns)
        .values({
          id: newId("workflowRun", now),
          workflow: name,
          version,
          key: p.key,
          subject: p.subject,
          input: parsed.data ?? null,
          state: "queued",
          stepIndex: 0,
          stepId: first?.id ?? null,
          nextAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: [workflowRuns.workflow, workflowRuns.key] })
        .returning();
      if (inserted) {
        const row = await transition(deps, tx, inserted, {}, [{ type: "run_queued", attempt: null }]);
        return ok({ run: viewOf(deps, row), created: true });
      }
      const [existing] = await tx
        .select()
        .from(workflowRuns)
        .where(and(eq(workflowRuns.workflow, name), eq(workflowRuns.key, p.key)));
      if (!existing) throw new Error(`workflow run ${name}/${p.key} conflicted but cannot be read`);
      return ok({ run: viewOf(deps, existing), created: false });
    },

    async runOf(runId: string): Promise<RunView | null> {
      const [row] = await deps.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
      return row ? viewOf(deps, row) : null;
    },

    async runByKey(workflow: string, key: string): Promise<RunView | null> {
      const [row] = await deps.db
        .select()
        .from(workflowRuns)
        .where(and(eq(workflowRuns.workflow, workflow), eq(workflowRuns.key, key)));
      return row ? viewOf(deps, row) : null;
    },

    /** Runs about one subject (e.g. `{ type: "provider", id }`), oldest first. */
    async runsAbout(subject: Record<string, string>): Promise<RunView[]> {
      const rows = await deps.db
        .select()
        .from(workflowRuns)
        .where(sql`${workflowRuns.subject} @> ${JSON.stringify(subject)}::jsonb`)
        .orderBy(asc(workflowRuns.createdAt), asc(workflowRuns.id));
      return rows.map((r) => viewOf(deps, r));
    },

    /** The saved outcome of each step done so far (with `undoneAt` once compensated), in step order. */
    async stepsOf(runId: string) {
      return deps.db
        .select({
          stepId: workflowSteps.stepId,
          output: workflowSteps.output,
          attempts: workflowSteps.attempts,
          completedAt: workflowSteps.completedAt,
          undoneAt: workflowSteps.undoneAt,
        })
        .from(workflowSteps)
        .where(eq(workflowSteps.runId, runId))
        .orderBy(asc(workflowSteps.stepIndex));
    },

    /** Runs in one state, most recently changed first (the operators' "needs attention" list). */
    async runsIn(states: readonly RunState[], limit = 100): Promise<RunView[]> {
      const rows = await deps.db
        .select()
        .from(workflowRuns)
        .where(inArray(workflowRuns.state, [...states]))
        .orderBy(desc(workflowRuns.updatedAt), desc(workflowRuns.id))
        .limit(limit);
      return rows.map((r) => viewOf(deps, r));
    },

    /** The run's transitions after sequence number `after` (0: from the start), in order: poll it for live progress. */
    async eventsOf(runId: string, after = 0, limit = 500): Promise<RunEvent[]> {
      const rows = await deps.db
        .select({
          event: workflowEvents,
          workflow: workflowRuns.workflow,
          subject: workflowRuns.subject,
        })
        .from(workflowEvents)
        .innerJoin(workflowRuns, eq(workflowRuns.id, workflowEvents.runId))
        .where(and(eq(workflowEvents.runId, runId), gt(workflowEvents.seq, after)))
        .orderBy(asc(workflowEvents.seq))
        .limit(limit);
      return rows.map(({ event: e, workflow, subject }) => ({
        runId: e.runId,
        workflow,
        subject,
        seq: e.seq,
        at: e.at,
        type: e.type as RunEventType,
        state: e.state as RunState,
        stepId: e.stepId,
        attempt: e.attempt,
        reason: e.reason,
        details: e.details,
      }));
    },

    /**
     * Something the run polls for may have changed (an event arrived, a person acted): a run waiting at `stepId` is
     * due now instead of at its next poll. No event is written; the step's next outcome tells what it found.
     */
    async wake(runId: string, stepId: string): Promise<boolean> {
      const now = deps.clock.now();
      const rows = await deps.db
        .update(workflowRuns)
        .set({ nextAt: now })
        .where(
          and(
            eq(workflowRuns.id, runId),
            eq(workflowRuns.stepId, stepId),
            eq(workflowRuns.state, "running"),
            gt(workflowRuns.nextAt, now),
          ),
        )
        .returning({ id: workflowRuns.id });
      return rows.length === 1;
    },

    /**
     * Operator: attempt the current step again now, with a fresh deadline and backoff (a stuck or failed run; a run
     * that was being compensated resumes its compensation).
     */
    retryStep(runId: string, by?: string): Promise<Result<RunView, EngineError>> {
      return mutate(runId, async (tx, row) => {
        if (row.state !== "stuck" && row.state !== "failed")
          return err(engineErrors.notRetryable(runId, row.state));
        const now = deps.clock.now();
        return ok(
          await transition(
            deps,
            tx,
            row,
            {
              ...released,
              state: row.cancelReason ? "compensating" : "running",
              attempt: 0,
              stepStartedAt: null,
              stepDeadlineAt: null,
              nextAt: now,
              errorCode: null,
              finishedAt: null,
            },
            [{ type: "retry_requested", details: by ? { by } : {} }],
          ),
        );
      });
    },

    /** Operator: continue a stuck run where it stopped, attempts counted on, with a fresh deadline for the step. */
    resume(runId: string, by?: string): Promise<Result<RunView, EngineError>> {
      return mutate(runId, async (tx, row) => {
        if (row.state !== "stuck") return err(engineErrors.notStuck(runId, row.state));
        const now = deps.clock.now();
        return ok(
          await transition(
            deps,
            tx,
            row,
            {
              ...released,
              state: row.cancelReason ? "compensating" : "running",
              stepStartedAt: null,
              stepDeadlineAt: null,
              nextAt: now,
            },
            [{ type: "resumed", details: by ? { by } : {} }],
          ),
        );
      });
    },

    /**
     * Operator: cancel with a reason. Done steps are undone in reverse (by workers) unless a point of no return was
     * passed. A step being executed right now finishes first; its worker then applies the cancellation.
     */
    cancel(runId: string, reason: string, by?: string): Promise<Result<RunView, EngineError>> {
      return mutate(runId, async (tx, row) => {
        if (TERMINAL.includes(row.state as RunState) || row.cancelReason !== null)
          return row.cancelReason !== null && !TERMINAL.includes(row.state as RunState)
            ? ok(row)
            : err(engineErrors.finished(runId, row.state));
        const now = deps.clock.now();
        const requested = await transition(deps, tx, row, { cancelReason: reason }, [
          { type: "cancel_requested", reason, details: by ? { by } : {} },
        ]);
        const executing = row.leaseUntil !== null && row.leaseUntil.getTime() > now.getTime();
        return ok(executing ? requested : await applyCancel(deps, tx, requested));
      });
    },
  };
}

export type Runs = ReturnType<typeof createRuns>;
