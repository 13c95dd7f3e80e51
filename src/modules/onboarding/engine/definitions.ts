import type { z } from "zod";
import type { Clock } from "../../../platform/clock.ts";
import type { Executor } from "../../../platform/db/types.ts";

/** What a step answers. Only `done` moves the run on; its output is saved in the transaction that marks the step done. */
export type Done = { readonly kind: "done"; readonly output: unknown };
/** A transient failure: attempted again after a backoff with jitter, never sooner than `afterMs` (Retry-After). */
export type Retry = { readonly kind: "retry"; readonly afterMs?: number; readonly reason: string };
/** A polling step that is not finished yet: a durable timer until `untilMs` (epoch ms), shown as "waiting for …". */
export type Wait = {
  readonly kind: "wait";
  readonly untilMs: number;
  readonly reason: string;
  readonly waitingFor: string;
};
/** A permanent failure: the run is `failed` with this code and message. */
export type Fail = { readonly kind: "fail"; readonly code: string; readonly message: string };
export type StepOutcome = Done | Retry | Wait | Fail;
export type UndoOutcome = Done | Retry | Fail;

export const done = (output: unknown = null): Done => ({ kind: "done", output });
export const retry = (r: { afterMs?: number; reason: string }): Retry =>
  r.afterMs === undefined
    ? { kind: "retry", reason: r.reason }
    : { kind: "retry", afterMs: r.afterMs, reason: r.reason };
export const wait = (w: { untilMs: number; reason: string; waitingFor: string }): Wait => ({
  kind: "wait",
  ...w,
});
export const fail = (f: { code: string; message: string }): Fail => ({ kind: "fail", ...f });

/** Everything a step may use. No hidden I/O: time and randomness come from here, never from Date.now()/Math.random. */
export type StepContext<I> = {
  readonly runId: string;
  readonly workflow: string;
  readonly stepId: string;
  /** 1 on the first attempt of this step; grows with every attempt, crashed ones included. */
  readonly attempt: number;
  /** `<runId>:<stepId>`: the same on every attempt of this step and after any crash; send it as MS-RequestId. */
  readonly idempotencyKey: string;
  readonly input: I;
  readonly subject: Readonly<Record<string, string>>;
  /** Saved outputs of the steps done so far, by step id. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** An earlier step's saved output, checked against the schema (a saved output is data read back from the database). */
  output<T>(stepId: string, schema: z.ZodType<T>): T;
  readonly clock: Clock;
  /** A number in [0, 1) from the engine's (seedable) generator. */
  random(): number;
  /** Aborted when this worker lost the run's lease: stop calling out, the outcome will not be recorded. */
  readonly signal: AbortSignal;
};

export type StepCommon<I> = {
  /** Persisted: never rename a step; add a new workflow version instead. Kebab-case. */
  readonly id: string;
  /** How long the step may keep retrying or waiting before the run is `stuck` (default: the engine's, 15 minutes). */
  readonly deadlineMs?: number;
  /** Once this step is done, cancelling the run no longer undoes anything (e.g. a customer tenant was created). */
  readonly pointOfNoReturn?: boolean;
  /** Compensation, run in reverse order when an operator cancels the run before its point of no return. */
  undo?(ctx: StepContext<I>): Promise<UndoOutcome>;
};

/** A step with one external effect. It runs outside any transaction; the engine records its outcome afterwards. */
export type ExternalStep<I> = StepCommon<I> & {
  readonly transactional?: false;
  run(ctx: StepContext<I>): Promise<StepOutcome>;
};

/**
 * A step that writes our own database: it runs inside the transaction that records its outcome, so its writes
 * commit exactly when the step is marked done (and are rolled back on any other outcome).
 */
export type LocalStep<I> = StepCommon<I> & {
  readonly transactional: true;
  run(ctx: StepContext<I> & { readonly tx: Executor }): Promise<StepOutcome>;
};

export type Step<I> = ExternalStep<I> | LocalStep<I>;

export type WorkflowDefinition<I> = {
  /** Persisted: never rename. Kebab-case. */
  readonly name: string;
  readonly version: number;
  /** Checked when a run starts; the run's input is stored as parsed. */
  readonly input: z.ZodType<I>;
  readonly steps: readonly Step<I>[];
};

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a workflow. Throws (a programming error) on a bad name, version or step list. */
export function defineWorkflow<I>(def: WorkflowDefinition<I>): WorkflowDefinition<I> {
  if (!KEBAB.test(def.name)) throw new Error(`workflow name "${def.name}" must be kebab-case`);
  if (!Number.isInteger(def.version) || def.version < 1)
    throw new Error(`workflow ${def.name}: version must be a positive integer`);
  if (def.steps.length === 0) throw new Error(`workflow ${def.name} has no steps`);
  const seen = new Set<string>();
  for (const step of def.steps) {
    if (!KEBAB.test(step.id))
      throw new Error(`workflow ${def.name}: step id "${step.id}" must be kebab-case`);
    if (seen.has(step.id)) throw new Error(`workflow ${def.name}: step id "${step.id}" appears twice`);
    if (step.deadlineMs !== undefined && !(step.deadlineMs > 0))
      throw new Error(`workflow ${def.name}: step "${step.id}" needs a positive deadline`);
    seen.add(step.id);
  }
  return def;
}

/** The registry key of a workflow version. */
export const workflowRef = (name: string, version: number) => `${name}@${version}`;
