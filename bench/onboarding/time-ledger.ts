import { AsyncLocalStorage } from "node:async_hooks";
import type { HttpExchange } from "../../src/integrations/http/index.ts";
import type { OutboundObserver, OutboundService } from "../../src/main/microsoft.ts";
import type { RunEvent, RunEventType } from "../../src/modules/onboarding/index.ts";

/** One request an adapter sent, as the observer heard it; `startedAt` and `ms` on `performance.now()`'s scale. */
export type SentRequest = {
  readonly service: OutboundService;
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly startedAt: number;
  readonly ms: number;
};

/** Where time is charged: a worker loop (to the run whose step it executes), or one provider creation request. */
type Lane =
  | { kind: "worker"; step: { runId: string; stepId: string | null; startedAt: number } | null }
  | { kind: "request"; key: string };

/** Time spent on one run's steps or one request: all of it, and the part spent waiting for an upstream. */
export type Spent = { activeMs: number; upstreamMs: number; executions: number };

/** Events that end a step's execution (its outcome is being recorded). */
const OUTCOMES: ReadonlySet<RunEventType> = new Set([
  "step_succeeded",
  "step_retried",
  "step_waiting",
  "step_failed",
  "run_stuck",
  "step_undone",
]);

/** Events after which a run waits for nobody but an operator. */
const ENDINGS: ReadonlySet<RunEventType> = new Set([
  "run_succeeded",
  "run_failed",
  "run_stuck",
  "run_cancelled",
]);

const spent = (): Spent => ({ activeMs: 0, upstreamMs: 0, executions: 0 });

/**
 * Splits the time the platform spends on each onboarding into its own work and its waits for upstreams. Each
 * worker loop and each creation request runs in its own AsyncLocalStorage lane; a step's execution is the time
 * from its `step_started` transition to the transition that records its outcome, in the same lane; what the
 * adapters report in that lane (requests sent, rate-limit and backoff pauses) is the upstream part of it. The
 * lanes work because the HTTP client tells its observer in the caller's asynchronous context.
 */
export function createTimeLedger() {
  const lanes = new AsyncLocalStorage<Lane>();
  const runs = new Map<string, Spent>();
  const requests = new Map<string, Spent>();
  const steps = new Map<string, Spent>();
  const sent: SentRequest[] = [];
  const ended = new Map<string, { state: string; at: number }>();
  const waitedMs = new Map<OutboundService, number>();
  /** Upstream time heard outside any step or request: the setup's, or a sign that a lane was lost. */
  let unattributedMs = 0;
  /** Nothing is recorded before `begin()`: the world's setup is not what is measured. */
  let recording = false;

  const entry = (map: Map<string, Spent>, key: string) => {
    let found = map.get(key);
    if (!found) {
      found = spent();
      map.set(key, found);
    }
    return found;
  };

  /** Charges upstream time to whatever the current lane is doing; time outside any step or request is not ours. */
  function charge(ms: number) {
    const lane = lanes.getStore();
    if (lane?.kind === "request") entry(requests, lane.key).upstreamMs += ms;
    else if (lane?.kind === "worker" && lane.step) {
      entry(runs, lane.step.runId).upstreamMs += ms;
      entry(steps, lane.step.stepId ?? "?").upstreamMs += ms;
    } else unattributedMs += ms;
  }

  const observer: OutboundObserver = {
    exchange(service: OutboundService, e: HttpExchange) {
      if (!recording) return;
      sent.push({
        service,
        method: e.method,
        path: e.path,
        status: e.status,
        startedAt: performance.now() - e.ms,
        ms: e.ms,
      });
      charge(e.ms);
    },
    waited(service: OutboundService, ms: number) {
      if (!recording) return;
      waitedMs.set(service, (waitedMs.get(service) ?? 0) + ms);
      charge(ms);
    },
  };

  /** The engine's transition listener: opens a step's execution in the current lane and closes it. */
  function onTransition(event: RunEvent): void {
    if (ENDINGS.has(event.type)) ended.set(event.runId, { state: event.state, at: performance.now() });
    const lane = lanes.getStore();
    if (lane?.kind !== "worker") return;
    const now = performance.now();
    if (event.type === "step_started" || event.type === "undo_started") {
      lane.step = { runId: event.runId, stepId: event.stepId, startedAt: now };
      return;
    }
    if (!lane.step || lane.step.runId !== event.runId || !OUTCOMES.has(event.type)) return;
    const ms = now - lane.step.startedAt;
    for (const s of [entry(runs, event.runId), entry(steps, lane.step.stepId ?? "?")]) {
      s.activeMs += ms;
      s.executions += 1;
    }
    lane.step = null;
  }

  return {
    observer,
    onTransition,
    begin(): void {
      recording = true;
    },
    /** Runs `start` (which starts one worker loop) in a lane of its own. */
    inWorkerLane: <T>(start: () => T): T => lanes.run({ kind: "worker", step: null }, start),
    /** Times one request in a lane of its own, charged to `key`. */
    async timeRequest<T>(key: string, request: () => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await lanes.run({ kind: "request", key }, request);
      } finally {
        const s = entry(requests, key);
        s.activeMs += performance.now() - started;
        s.executions += 1;
      }
    },
    /** Runs that came to an end: how, and when (`performance.now()`). */
    ended: ended as ReadonlyMap<string, { state: string; at: number }>,
    runs: runs as ReadonlyMap<string, Spent>,
    requests: requests as ReadonlyMap<string, Spent>,
    steps: steps as ReadonlyMap<string, Spent>,
    sent: sent as readonly SentRequest[],
    waitedMs: waitedMs as ReadonlyMap<OutboundService, number>,
    unattributedMs: () => unattributedMs,
  };
}

export type TimeLedger = ReturnType<typeof createTimeLedger>;
