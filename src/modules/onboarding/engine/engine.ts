import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../platform/db/types.ts";
import type { Logger } from "../../../platform/log.ts";
import { defaultBackoff } from "./backoff.ts";
import { workflowRef, type WorkflowDefinition } from "./definitions.ts";
import { createRuns } from "./runs.ts";
import type { EngineDeps, EngineOptions, TransitionListener } from "./store.ts";
import { createWorkerCore, newWorkerId } from "./worker.ts";

export const defaultEngineOptions: EngineOptions = {
  defaultDeadlineMs: 15 * 60_000,
  leaseMs: 60_000,
  backoff: defaultBackoff,
};

/**
 * The durable workflow engine on our own tables: runs start in the caller's transaction, workers claim due runs with
 * `FOR UPDATE SKIP LOCKED` and a lease, execute one step per claim and record its outcome (and output) in one
 * transaction. See docs/adr/0004-onboarding-engine.md.
 */
export function createWorkflowEngine(deps: {
  db: Db;
  clock: Clock;
  /** The source of `ctx.random` and of retry jitter; seed it in tests. */
  random?: () => number;
  log?: Logger;
  options?: Partial<EngineOptions>;
}) {
  const engineDeps: EngineDeps = {
    db: deps.db,
    clock: deps.clock,
    random: deps.random ?? Math.random,
    log: deps.log,
    options: { ...defaultEngineOptions, ...deps.options },
    workflows: new Map(),
    listeners: [],
  };
  const register = <I>(def: WorkflowDefinition<I>) => {
    const ref = workflowRef(def.name, def.version);
    if (engineDeps.workflows.has(ref)) throw new Error(`workflow ${ref} is registered twice`);
    // One registry for every input type: a run's input was checked against this definition's schema at start.
    engineDeps.workflows.set(ref, def);
  };
  const runs = createRuns(engineDeps);
  const core = createWorkerCore(engineDeps, newWorkerId());

  return {
    register,
    /** Every transition calls the listener inside its transaction (see TransitionListener). */
    onTransition(listener: TransitionListener): void {
      engineDeps.listeners.push(listener);
    },
    ...runs,
    /** Claims and executes due steps until none is due now (or `max` were run). Returns how many claims were made. */
    async runDue(max = 1000): Promise<number> {
      let n = 0;
      while (n < max && (await core.runOnce())) n++;
      return n;
    },
    /** Runs `concurrency` claim loops that poll every `pollMs` when idle; `stop()` lets the current steps finish. */
    startWorker(p: { concurrency?: number; pollMs?: number } = {}): { stop(): Promise<void> } {
      const pollMs = p.pollMs ?? 1000;
      let stopped = false;
      const sleepers = new Set<() => void>();
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          sleepers.add(wake);
        });
      const loop = async () => {
        const worker = createWorkerCore(engineDeps, newWorkerId());
        while (!stopped) {
          let worked = false;
          try {
            worked = await worker.runOnce();
          } catch (e) {
            engineDeps.log?.error({ err: e }, "workflow worker failed to claim or record a step");
          }
          if (!worked && !stopped) await sleep(pollMs);
        }
      };
      const loops = Array.from({ length: Math.max(1, p.concurrency ?? 1) }, () => loop());
      return {
        async stop() {
          stopped = true;
          for (const wake of [...sleepers]) wake();
          await Promise.all(loops);
        },
      };
    },
  };
}

export type WorkflowEngine = ReturnType<typeof createWorkflowEngine>;
