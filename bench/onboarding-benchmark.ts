import os from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RunState, RunView } from "../src/modules/onboarding/index.ts";
import { benchOptions } from "./onboarding/bench-options.ts";
import {
  benchAddress,
  createOrganizations,
  openBenchWorld,
  type BenchWorld,
} from "./onboarding/bench-world.ts";
import {
  duplicatesIn,
  limitedResource,
  peakInWindow,
  quantile,
  stepBreakdown,
  upstreamByService,
} from "./onboarding/figures.ts";
import { createTimeLedger, type TimeLedger } from "./onboarding/time-ledger.ts";
import { tokenReference } from "./onboarding/token-reference.ts";

/** Partner Center's published limit on the Customer and on the Subscription resource, per partner tenant (B4). */
const PARTNER_CENTER_LIMIT_PER_MINUTE = 500;
const MINUTE_MS = 60_000;
/** How long Microsoft takes to provision an Azure plan's order ("usually a few minutes"), before compression. */
const PROVISIONING_SECONDS = 300;
const ACTIVE: readonly RunState[] = ["queued", "running", "compensating"];
const ENDED: readonly RunState[] = ["succeeded", "failed", "stuck", "cancelled"];

const note = (line: string) => process.stderr.write(`[onboarding] ${line}\n`);
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

async function applyLatencyProfile(world: BenchWorld, timeFactor: number): Promise<void> {
  const answer = await world.emulatorHttp.request({
    method: "POST",
    path: "/_emulator/latency-profile",
    json: { profile: "microsoft", timeFactor, seed: 7 },
  });
  if (!answer.ok || answer.value.status !== 201)
    throw new Error(
      `the latency profile was refused: ${answer.ok ? answer.value.text : answer.error.message}`,
    );
}

/** Resolves once every run has ended or the deadline has passed. */
async function settle(ledger: TimeLedger, runs: number, deadline: number): Promise<void> {
  while (ledger.ended.size < runs && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 250));
}

/** Tells progress on standard error every ten seconds until stopped. */
function progress(world: BenchWorld, ledger: TimeLedger, n: number, created: () => number): () => void {
  const timer = setInterval(() => {
    void world.modules.onboarding.engine.runsIn(ACTIVE, n + 1).then(
      (active) => {
        const waiting = active.filter((r) => r.waitingFor !== null).length;
        note(
          `${created()}/${n} providers created, ${ledger.ended.size} onboardings ended, ${active.length} active (${waiting} in a durable wait)`,
        );
      },
      (e: unknown) => note(`progress could not be read: ${String(e)}`),
    );
  }, 10_000);
  return () => clearInterval(timer);
}

/** How many runs are in each state, and where and why those that did not succeed stopped. */
function outcomeOf(views: readonly RunView[]) {
  const states: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const v of views) {
    states[v.state] = (states[v.state] ?? 0) + 1;
    if (v.state !== "succeeded") {
      const why = `${v.state} at ${v.stepId ?? "?"}: ${(v.errorCode ?? v.reason ?? v.waitingFor ?? "").slice(0, 120)}`;
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
  }
  return { states, reasons };
}

/**
 * N organizations onboard a new Azure customer each, all at once, through Partner Cloud's own modules and
 * adapters, against an in-process emulator that answers with Microsoft's latencies divided by a time factor and
 * keeps Partner Center's limit of 500 requests a minute. Measures throughput, the platform's own time per
 * onboarding (step and request time minus what the adapters spent in requests to Microsoft and in rate-limit or
 * backoff pauses), duplicate upstream effects, Partner Center's peak request rate and its 429 answers. Reference:
 * the emulator's bare token endpoint in the same command. Options: see benchOptions.
 */
export async function onboardingBenchmark(args: readonly string[]): Promise<Record<string, unknown>> {
  const opts = benchOptions(args);
  const ledger = createTimeLedger();
  const databaseUrl = process.env["DATABASE_URL"];
  const world = await openBenchWorld({
    observer: ledger.observer,
    databaseUrl,
    poolSize: opts.workers + 6,
    provisioningDelaySeconds: PROVISIONING_SECONDS / opts.timeFactor,
  });
  const workers: { stop(): Promise<void> }[] = [];
  let stopProgress = () => {};
  try {
    const setupStarted = performance.now();
    const orgs = await createOrganizations(world, opts.n);
    note(`${opts.n} organizations set up in ${round((performance.now() - setupStarted) / 1000)} s`);
    const reference = await tokenReference(world);
    await applyLatencyProfile(world, opts.timeFactor);

    const { onboarding, providers } = world.modules;
    onboarding.engine.onTransition((event) => ledger.onTransition(event));
    ledger.begin();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let k = 0; k < opts.workers; k++)
      workers.push(ledger.inWorkerLane(() => onboarding.startWorker({ concurrency: 1 })));
    let createdCount = 0;
    stopProgress = progress(world, ledger, opts.n, () => createdCount);
    const created = await Promise.all(
      orgs.map((org) =>
        ledger
          .timeRequest(org.orgId, () =>
            providers.create(org.admin, org.workspaceId, {
              name: "Azure production",
              option: "new-customer",
              billingAccountId: org.billingAccountId,
              customer: {
                companyName: org.companyName,
                address: benchAddress,
                contact: { firstName: "Ada", lastName: "Lovelace", email: "ada@bench.example" },
              },
            }),
          )
          .finally(() => createdCount++),
      ),
    );
    const requestsDoneMs = performance.now() - started;
    const runOfOrg = new Map<string, string>();
    const refused: Record<string, number> = {};
    created.forEach((r, i) => {
      const org = orgs[i];
      if (r.ok && r.value.onboardingRunId && org) runOfOrg.set(org.orgId, r.value.onboardingRunId);
      else if (!r.ok) refused[r.error.code] = (refused[r.error.code] ?? 0) + 1;
    });
    note(`${runOfOrg.size} providers created in ${round(requestsDoneMs / 1000)} s`);
    await settle(ledger, runOfOrg.size, started + opts.timeoutMinutes * MINUTE_MS);
    stopProgress();
    const lastEnd = Math.max(started, ...[...ledger.ended.values()].map((e) => e.at));
    const timedOut = ledger.ended.size < runOfOrg.size;
    const wallMs = (timedOut ? performance.now() : lastEnd) - started;
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    await Promise.all(workers.splice(0).map((w) => w.stop()));

    const views = [
      ...(await onboarding.engine.runsIn(ENDED, opts.n + 1)),
      ...(await onboarding.engine.runsIn(ACTIVE, opts.n + 1)),
    ];
    const outcome = outcomeOf(views);
    const succeeded = new Set(views.filter((v) => v.state === "succeeded").map((v) => v.id));

    // The platform's own time: a request's or a step's time less what it spent in requests to Microsoft and the
    // partner cloud and in the adapters' rate-limit and backoff pauses. Durable waits fall between steps.
    const requestMs: number[] = [];
    const stepsMs: number[] = [];
    const platformMs: number[] = [];
    for (const [orgId, runId] of runOfOrg) {
      const request = ledger.requests.get(orgId);
      const run = ledger.runs.get(runId);
      if (!succeeded.has(runId) || !request || !run) continue;
      requestMs.push(request.activeMs - request.upstreamMs);
      stepsMs.push(run.activeMs - run.upstreamMs);
      platformMs.push(request.activeMs - request.upstreamMs + run.activeMs - run.upstreamMs);
    }
    // Seconds from the start until each provider turned ready: every run takes turns with all the others.
    const readyAfter = [...ledger.ended]
      .filter(([runId]) => succeeded.has(runId))
      .map(([, e]) => (e.at - started) / 1000);
    const p50 = quantile(platformMs, 0.5);
    const p99 = quantile(platformMs, 0.99);
    const sent = ledger.sent;
    const partnerCenter = sent.filter((r) => r.service === "partner-center");
    const onResource = (resource: "customer" | "subscription") =>
      partnerCenter.filter((r) => limitedResource(r.path) === resource);
    const completed = outcome.states["succeeded"] ?? 0;
    const notDone = (outcome.states["failed"] ?? 0) + (outcome.states["stuck"] ?? 0);
    const peak = peakInWindow(partnerCenter, MINUTE_MS);
    const status429 = sent.filter((r) => r.status === 429).length;
    note(
      `${completed}/${opts.n} ready in ${round(wallMs / 1000)} s; platform time per onboarding p50 ${round(p50)} ms, ` +
        `p99 ${round(p99)} ms; Partner Center peak ${peak} requests a minute (limit ${PARTNER_CENTER_LIMIT_PER_MINUTE}), ${status429} answers 429`,
    );

    return {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${world.database.kind}, emulator, workers and load in one process`,
      n: opts.n,
      workers: opts.workers,
      timeFactor: opts.timeFactor,
      database: world.database.kind,
      completed,
      failedOrStuck: notDone,
      unfinishedAtTimeout: timedOut ? runOfOrg.size - ledger.ended.size : 0,
      refusedAtRequest: refused,
      failureReasons: outcome.reasons,
      wallSeconds: round(wallMs / 1000),
      creationRequestsSeconds: round(requestsDoneMs / 1000),
      onboardingsPerSecond: round(completed / (wallMs / 1000), 3),
      firstReadyAfterSeconds: round(quantile(readyAfter, 0)),
      readyAfterSecondsP50: round(quantile(readyAfter, 0.5)),
      platformMsPerOnboardingP50: round(p50),
      platformMsPerOnboardingP99: round(p99),
      referenceTokenP50Ms: round(reference.p50Ms, 2),
      platformP50ToReference: round(p50 / reference.p50Ms),
      platformP99ToReference: round(p99 / reference.p50Ms),
      creationRequestOwnMsP50: round(quantile(requestMs, 0.5)),
      creationRequestOwnMsP99: round(quantile(requestMs, 0.99)),
      workflowStepsOwnMsP50: round(quantile(stepsMs, 0.5)),
      workflowStepsOwnMsP99: round(quantile(stepsMs, 0.99)),
      processCpuMsPerOnboarding: round((cpu.user + cpu.system) / 1000 / Math.max(1, completed)),
      duplicates: duplicatesIn(
        world.emu,
        world.seed.tenantId,
        orgs.map((o) => o.companyName),
      ),
      partnerCenterRequests: partnerCenter.length,
      partnerCenterRequestsPerOnboarding: round(partnerCenter.length / Math.max(1, runOfOrg.size)),
      // The time factor divides only the emulator's injected latencies: its Partner Center limit and our
      // limiter both count real minutes on the same clock, so the window is 60 real seconds and nothing is divided.
      partnerCenterPeakPerMinute: peak,
      customerResourcePeakPerMinute: peakInWindow(onResource("customer"), MINUTE_MS),
      subscriptionResourcePeakPerMinute: peakInWindow(onResource("subscription"), MINUTE_MS),
      partnerCenterLimitPerMinute: PARTNER_CENTER_LIMIT_PER_MINUTE,
      status429,
      upstreamByService: upstreamByService(sent),
      adapterWaitsMs: Object.fromEntries([...ledger.waitedMs].map(([k, v]) => [k, round(v)])),
      unattributedUpstreamMs: round(ledger.unattributedMs()),
      steps: stepBreakdown(ledger),
      cpuSecondsPerWallSecond: round((cpu.user + cpu.system) / 1000 / wallMs, 2),
      eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
    };
  } finally {
    stopProgress();
    await Promise.all(workers.map((w) => w.stop()));
    await world.close();
  }
}
