import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { startEmulator, type DemoSeed, type RunningEmulator } from "../../src/emulator/index.ts";
import type { ObservedRequest } from "../../src/emulator/control/observer.ts";
import { createModules } from "../../src/main/runtime.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { parseConfig } from "../../src/platform/config.ts";
import { openDatabase, type Database } from "../../src/platform/db/open-database.ts";
import { seededRandom } from "../../src/platform/seeded-random.ts";
import { scratchPostgres } from "./databases.ts";
import { createHarness, must, passwordHash, type Auth, type Harness } from "./harness.ts";
import { billingAccountWithTerms, contact, instantProvisioning, ukAddress } from "./onboarding-world.ts";
import { integrationsFor } from "./test-integrations.ts";
import { createWorld, type World } from "./world.ts";

/**
 * What the reliability tests of the new-customer onboarding stand on: a seeded emulator in this process (so the
 * test sees and holds every upstream request), a database, and the real API on it (to create organizations and
 * providers, and for the operators' retry). On a scratch PostgreSQL database (`scratchWorld`), worker processes
 * run by `workerLineage` drive the runs; elsewhere the test drives them in-process (driveRuns, inProcessWorker).
 */
export type ReliabilityWorld = {
  readonly emu: RunningEmulator;
  readonly seed: DemoSeed;
  readonly h: Harness;
  readonly w: World;
  readonly database: Database;
  /** Where worker processes connect; empty for a world without a PostgreSQL URL of its own. */
  readonly databaseUrl: string;
  readonly secretsKeys: string;
  /** Where the emulator keeps its store: `state.json` holds every collection, Partner Center's commerce included. */
  readonly emulatorDir: string;
  close(): Promise<void>;
};

/**
 * A world on `database` (opened and migrated by the caller, who also closes it). `clock: "system"` sets the API's
 * clock to now, for worker processes that run on the system clock; otherwise it stays the harness's fake clock,
 * for tests that drive runs in-process (driveRuns).
 */
export async function reliabilityWorld(
  name: string,
  db: { database: Database; url?: string },
  opts: { clock: "system" | "fake" },
): Promise<ReliabilityWorld> {
  const { database } = db;
  const emulatorDir = await mkdtemp(path.join(os.tmpdir(), `pc-${name}-`));
  const emu = await startEmulator({ dataDir: emulatorDir, port: 0, host: "127.0.0.1" });
  const seed = emu.seedDemo();
  assert.ok(seed, "a new emulator seeds the demo partner");
  await instantProvisioning(emu);
  const secretsKeys = `k1:${randomBytes(32).toString("base64")}`;
  const connected = await integrationsFor(emu, seed, systemClock);
  const h = await createHarness(
    database,
    { SECRETS_KEYS: secretsKeys },
    { integrations: connected.integrations },
  );
  // Workers run on the system clock: the API's clock then starts at the same time, so sessions and runs agree.
  if (opts.clock === "system") h.clock.set(new Date());
  const w = await createWorld(h);
  return {
    emu,
    seed,
    h,
    w,
    database,
    databaseUrl: db.url ?? "",
    secretsKeys,
    emulatorDir,
    async close() {
      emu.observer.cutAll();
      await h.close();
      connected.close();
      await emu.close();
    },
  };
}

/** A world on a scratch PostgreSQL database of its own on `serverUrl`, for worker processes; dropped on close. */
export async function scratchWorld(serverUrl: string, name: string): Promise<ReliabilityWorld> {
  const scratch = await scratchPostgres(serverUrl, "pc_reliability");
  const database = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 6 });
  const world = await reliabilityWorld(name, { database, url: scratch.url }, { clock: "system" });
  return {
    ...world,
    async close() {
      await world.close();
      await database.close();
      await scratch.drop();
    },
  };
}

/** An organization ready to onboard: a workspace, its administrator, a connected partner-cloud account with terms. */
export type Organization = {
  readonly orgId: string;
  readonly workspaceId: string;
  readonly adminId: string;
  readonly admin: Auth;
  readonly billingAccountId: string;
  /** The domain prefix its first provider asks for. */
  readonly domainPrefix: string;
};

/** A new organization named by `label` (lower-case letters and digits), with its own partner-cloud account. */
export async function addOrganization(
  world: Pick<ReliabilityWorld, "h" | "w" | "emu" | "seed">,
  label: string,
): Promise<Organization> {
  const { h, w, emu, seed } = world;
  const { tenancy } = h.modules;
  const org = must(await tenancy.organizations.create(w.operator, { name: `Org ${label}` }));
  const cc = must(await tenancy.costCenters.create(w.operator, org.id, { name: `CC ${label}` }));
  const ws = must(
    await tenancy.workspaces.create(w.operator, org.id, { name: `WS ${label}`, costCenterId: cc.id }),
  );
  const adminId = must(
    await tenancy.users.provision(w.operator, {
      orgId: org.id,
      email: `admin@${label}.test`,
      name: `Admin ${label}`,
      orgRole: "admin",
      passwordHash,
    }),
  ).id;
  const alias = `R${label.toUpperCase()}`;
  emu.partnerCloud.addAccount({
    accountAlias: alias,
    parentAlias: "PCLD",
    businessName: `Contoso ${label}`,
    addressLine1: ukAddress.addressLine1,
    city: ukAddress.city,
    stateProvince: "",
    postalCode: ukAddress.postalCode,
    country: "GB",
    status: "Active",
    isDemo: false,
    isInternal: false,
    isReseller: false,
    billingContactEmail: `billing@${label}.test`,
  });
  const billingAccountId = await billingAccountWithTerms(h, w, {
    ...seed.partnerCloud,
    alias,
    orgId: org.id,
  });
  return {
    orgId: org.id,
    workspaceId: ws.id,
    adminId,
    admin: await h.sessionFor(adminId),
    billingAccountId,
    domainPrefix: `rel${label}`,
  };
}

export type CreatedProvider = { readonly providerId: string; readonly runId: string };

/** POSTs a new-customer provider as the organization's administrator (with the company profile, for a first one). */
export async function createProvider(
  world: Pick<ReliabilityWorld, "h">,
  org: Organization,
  name: string,
): Promise<CreatedProvider> {
  const res = await world.h.request(org.admin, "POST", `/api/v1/workspaces/${org.workspaceId}/providers`, {
    option: "new-customer",
    name,
    billingAccountId: org.billingAccountId,
    allowedServices: "iaas",
    customer: {
      companyName: `Contoso ${org.domainPrefix}`,
      domainPrefix: org.domainPrefix,
      address: ukAddress,
      contact,
    },
  });
  assert.equal(res.status, 201, res.body);
  const body = res.json() as { id: string; onboardingRunId: string | null };
  assert.ok(body.onboardingRunId, "a new-customer provider starts its onboarding run");
  return { providerId: body.id, runId: body.onboardingRunId };
}

type Child = { process: ChildProcess; pid: number };

/**
 * Worker processes, one after another, on the world's database: one works while the next ones (`standbys`) wait,
 * connected and ready, for their turn, since a worker takes about a second of CPU to start. `kill()` SIGKILLs the
 * working one; `handOver()` lets the next one work. A killed worker's lease would run out a lease later (60 s);
 * `kill()` ends it at once instead, as that wait would, so the runs it held are claimed again straight away.
 */
export function workerLineage(
  world: ReliabilityWorld,
  opts: { seed: number; concurrency?: number; standbys?: number } = { seed: 1 },
) {
  assert.ok(world.databaseUrl, "worker processes need a world on a PostgreSQL database of its own");
  let generation = 0;
  let kills = 0;
  let current: Child | null = null;
  /** Workers starting or ready to take over, oldest first. */
  let waiting: Promise<Child>[] = [];
  const children = new Set<ChildProcess>();

  function spawnStandby(): Promise<Child> {
    generation += 1;
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/support/onboarding-reliability-worker.ts"],
      {
        env: {
          ...process.env,
          DATABASE_URL: world.databaseUrl,
          EMULATOR_URL: world.emu.baseUrl,
          EMULATOR_CA: world.emu.caPath,
          DEMO_SEED: JSON.stringify(world.seed),
          SECRETS_KEYS: world.secretsKeys,
          WORKER_SEED: String(opts.seed * 1000 + generation),
          CONCURRENCY: String(opts.concurrency ?? 4),
        },
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    children.add(child);
    child.once("exit", () => children.delete(child));
    return new Promise<Child>((resolve, reject) => {
      if (!child.stdout) throw new Error("a worker's standard output is not piped");
      const lines = createInterface({ input: child.stdout });
      lines.once("line", (line) =>
        line === "ready"
          ? resolve({ process: child, pid: child.pid ?? 0 })
          : reject(new Error(`a worker said "${line}" instead of ready`)),
      );
      child.once("exit", (code, signal) =>
        reject(new Error(`a worker ended before it was ready (${code ?? signal ?? "?"})`)),
      );
    });
  }

  const standbys = opts.standbys ?? 2;
  function fill(): void {
    while (waiting.length < standbys) {
      const starting = spawnStandby();
      // A worker that fails to start is reported when its turn comes, not as an unhandled rejection now.
      starting.catch(() => undefined);
      waiting.push(starting);
    }
  }

  async function handOver(): Promise<void> {
    fill();
    const [first, ...rest] = waiting;
    if (!first) throw new Error("no worker is starting");
    waiting = rest;
    const child = await first;
    child.process.stdin?.write("go\n");
    current = child;
    fill();
  }

  return {
    /** Lets the first worker (or, after a kill, the next one) work. */
    handOver,
    /** How many workers were killed so far. */
    get kills() {
      return kills;
    },
    /**
     * SIGKILLs the working worker and ends its leases. Nobody works until `handOver()`, so the test can arrange
     * what the next worker will meet first.
     */
    async kill(): Promise<void> {
      const victim = current;
      assert.ok(victim, "no worker is working");
      current = null;
      const exited = once(victim.process, "exit");
      victim.process.kill("SIGKILL");
      await exited;
      kills += 1;
      await world.database.query(
        "UPDATE workflow_runs SET lease_until = $1 WHERE lease_owner LIKE $2 AND lease_until > $1",
        [new Date(), `%:${victim.pid}:%`],
      );
    },
    /** Stops the working worker gracefully (SIGTERM: it finishes its steps); the next one waits for `handOver()`. */
    async retire(): Promise<void> {
      const working = current;
      current = null;
      if (!working || working.process.exitCode !== null) return;
      const exited = once(working.process, "exit");
      working.process.kill("SIGTERM");
      await exited;
    },
    /** Stops the working worker (SIGTERM, it finishes its steps) and the waiting ones. */
    async stop(): Promise<void> {
      const starting = waiting;
      waiting = [];
      const all = [...children];
      for (const child of all) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = once(child, "exit");
        child.kill(child === current?.process ? "SIGTERM" : "SIGKILL");
        const patience = new AbortController();
        const overdue = sleep(15_000, undefined, { signal: patience.signal }).then(() =>
          child.kill("SIGKILL"),
        );
        overdue.catch(() => undefined);
        await Promise.race([exited, overdue]);
        patience.abort();
      }
      await Promise.all(starting.map((w) => w.catch(() => undefined)));
      current = null;
    },
  };
}

/**
 * A worker in the test's own process, for a world whose database one process owns (PGlite): the product's modules
 * on the world's database and the system clock, connected to its emulator through the real adapters, as a worker
 * process would be. It cannot be killed; `stop()` lets its steps finish.
 */
export async function inProcessWorker(
  world: ReliabilityWorld,
  opts: { seed: number; concurrency?: number },
): Promise<{ stop(): Promise<void> }> {
  const config = parseConfig({
    DATA_DIR: path.join(os.tmpdir(), "pc-reliability-worker"),
    PUBLIC_URL: "http://localhost:8080",
    SECRETS_KEYS: world.secretsKeys,
  });
  const connected = await integrationsFor(world.emu, world.seed, systemClock);
  const modules = createModules(world.database, config, systemClock, connected.integrations, {
    random: seededRandom(opts.seed),
  });
  const worker = modules.onboarding.startWorker({ concurrency: opts.concurrency ?? 4, pollMs: 50 });
  return {
    async stop() {
      await worker.stop();
      connected.close();
    },
  };
}

/** The emulator's store as written to disk (every collection, including those only its own routes can read). */
export async function storedCollections(world: ReliabilityWorld): Promise<Record<string, unknown[]>> {
  // The store writes a few milliseconds after a change; wait past that before reading.
  await sleep(60);
  const doc = JSON.parse(await readFile(path.join(world.emulatorDir, "state.json"), "utf8")) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.entries(doc).map(([name, list]) => [name, Array.isArray(list) ? (list as unknown[]) : []]),
  );
}

const WithCustomer = z.object({ customerId: z.string() }).passthrough();

/** How many of a stored collection's records belong to a customer (`customerId`). */
export function countFor(stored: Record<string, unknown[]>, collection: string, customerId: string): number {
  return (stored[collection] ?? []).filter((r) => {
    const parsed = WithCustomer.safeParse(r);
    return parsed.success && parsed.data.customerId === customerId;
  }).length;
}

/**
 * Requests that came back sooner than the Retry-After their previous answer asked for. A request is the same call
 * as an earlier one when method, URL and request id (MS-RequestId, reused on every retry of a call) agree.
 */
export function earlyReturns(requests: readonly ObservedRequest[], toleranceMs = 20): string[] {
  const last = new Map<string, ObservedRequest>();
  const early: string[] = [];
  for (const r of requests) {
    const key = `${r.method} ${r.url} ${r.requestId ?? ""}`;
    const before = last.get(key);
    if (before?.retryAfterSeconds && before.answeredAt !== null && before.status !== null) {
      const waited = r.receivedAt - before.answeredAt;
      if (before.status >= 429 && waited + toleranceMs < before.retryAfterSeconds * 1000)
        early.push(
          `${r.method} ${r.url} came back after ${waited} ms; the ${before.status} asked for ${before.retryAfterSeconds} s`,
        );
    }
    last.set(key, r);
  }
  return early;
}

/** The request that shows a step at work upstream: the one a crash test holds (a route, and a URL when shared). */
export type StepMarker = { readonly route: string; readonly url?: RegExp };

/**
 * The new-customer workflow's steps in order, with the upstream request each one makes last (the effect, for the
 * steps that change something), and which run makes it: the organization's first provider ("creates"), a later one
 * ("adds"), or both. Steps without a marker work on our own database only.
 */
export const onboardingSteps: readonly {
  readonly id: string;
  readonly marker?: StepMarker;
  readonly calledBy?: "creates" | "adds" | "both";
}[] = [
  { id: "check-eligibility", marker: { route: "GET /v2/accounts/:alias" }, calledBy: "both" },
  { id: "choose-domain", marker: { route: "HEAD /v1/domains/:domain" }, calledBy: "creates" },
  { id: "validate-address", marker: { route: "POST /v1/validations/address" }, calledBy: "creates" },
  { id: "create-customer", marker: { route: "POST /v1/customers" }, calledBy: "creates" },
  { id: "record-customer" },
  { id: "await-customer" },
  {
    id: "consent-application",
    marker: { route: "POST /v1/customers/:id/applicationconsents" },
    calledBy: "creates",
  },
  { id: "attest-agreement", marker: { route: "POST /v1/customers/:id/agreements" }, calledBy: "creates" },
  { id: "create-cart", marker: { route: "POST /v1/customers/:id/carts" }, calledBy: "creates" },
  { id: "checkout", marker: { route: "POST /v1/customers/:id/carts/:cartId/checkout" }, calledBy: "creates" },
  {
    id: "await-subscription",
    marker: { route: "GET /v1/customers/:id/subscriptions/:subscriptionId/azureEntitlements" },
    calledBy: "creates",
  },
  {
    id: "create-subscription",
    marker: { route: "PUT /providers/Microsoft.Subscription/aliases/:name" },
    calledBy: "adds",
  },
  { id: "link-billing-account" },
  {
    id: "grant-access",
    marker: { route: "PUT /subscriptions/:sub/*", url: /\/roleAssignments\//i },
    calledBy: "both",
  },
  {
    id: "apply-policy",
    marker: { route: "PUT /subscriptions/:sub/*", url: /\/policyAssignments\//i },
    calledBy: "both",
  },
  { id: "mark-ready" },
];

type ProviderView = {
  id: string;
  state: string;
  failureReason: string | null;
  azure: { tenantId: string | null; subscriptionId: string | null };
};

/** A provider as the operator sees it through the API. */
export async function providerOf(
  world: Pick<ReliabilityWorld, "h" | "w">,
  providerId: string,
): Promise<ProviderView> {
  const operator = await world.h.sessionFor(world.w.ids.operator);
  const res = await world.h.request(operator, "GET", `/api/v1/providers/${providerId}`);
  assert.equal(res.status, 200, res.body);
  return res.json() as ProviderView;
}

const Output = z.record(z.string(), z.unknown());
const text = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "");

/**
 * The steps a run has marked done whose effect is not where it should be (the emulator, or our own tables), as
 * lines naming the step: "no step is marked done without its effect" holds when this is empty.
 */
export async function doneWithoutEffect(world: ReliabilityWorld, runId: string): Promise<string[]> {
  const { emu, h, w } = world;
  const steps = await h.modules.onboarding.engine.stepsOf(runId);
  const run = await h.modules.onboarding.engine.runOf(runId);
  const input = Output.parse(run?.input ?? {});
  const outputs = new Map(steps.map((s) => [s.stepId, Output.parse(s.output ?? {})]));
  const stored = await storedCollections(world);
  const customerId =
    text(outputs.get("create-customer")?.["customerId"]) ||
    text(outputs.get("await-customer")?.["customerId"]);
  const subscriptionId = text(
    outputs.get("await-subscription")?.["azureSubscriptionId"] ??
      outputs.get("create-subscription")?.["azureSubscriptionId"],
  );
  const scope = `/subscriptions/${subscriptionId}`;
  const storedHas = (collection: string, match: (r: Record<string, unknown>) => boolean) =>
    (stored[collection] ?? []).some((r) => match(Output.parse(r)));
  const missing: string[] = [];
  for (const [stepId, out] of outputs) {
    if (out["skipped"] === true) continue;
    let found = true;
    switch (stepId) {
      case "create-customer":
        found = emu.state.customersOf(world.seed.tenantId).some((c) => c.id === customerId);
        break;
      case "record-customer": {
        const card = await h.modules.onboarding.azureCustomer(w.operator, String(input["orgId"]));
        found = card.ok && text(card.value.tenantId) === customerId;
        break;
      }
      case "consent-application":
        found = storedHas("pcApplicationConsents", (r) => text(r["customerId"]) === customerId);
        break;
      case "attest-agreement":
        found = storedHas("pcAgreements", (r) => text(r["customerId"]) === customerId);
        break;
      case "create-cart":
        found = storedHas("pcCarts", (r) => r["id"] === out["cartId"]);
        break;
      case "checkout":
        found = storedHas("pcOrders", (r) => r["id"] === out["orderId"]);
        break;
      case "await-subscription":
      case "create-subscription":
        found = emu.state.subscription(subscriptionId)?.tenantId === customerId;
        break;
      case "link-billing-account":
      case "mark-ready": {
        const provider = await providerOf(world, String(input["providerId"]));
        found =
          text(provider.azure.subscriptionId) === subscriptionId &&
          (stepId === "link-billing-account" || provider.state === "ready");
        break;
      }
      case "grant-access":
        found = emu.state
          .roleAssignmentsUnder(scope)
          .some((r) => r.principalId === out["principalId"] && r.name === text(out["assignmentId"]));
        break;
      case "apply-policy":
        found = emu.state.policyAssignment(scope, String(out["name"])) !== undefined;
        break;
    }
    if (!found) missing.push(`${stepId} is done (${JSON.stringify(out)}) but its effect is missing`);
  }
  return missing;
}

/**
 * The organization's end state when its providers are ready: one customer, one Azure plan (one cart, order,
 * consent and attestation with it), one Azure subscription per provider, and on each subscription one role
 * assignment and one policy assignment. Returns what differs, as lines; empty when all holds.
 */
export async function organizationDiffers(
  world: ReliabilityWorld,
  org: Organization,
  providers: readonly CreatedProvider[],
): Promise<string[]> {
  const { emu } = world;
  const problems: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  const views = await Promise.all(providers.map((p) => providerOf(world, p.providerId)));
  for (const v of views)
    if (v.state !== "ready") problems.push(`provider ${v.id} is ${v.state}: ${v.failureReason ?? ""}`);
  const customers = emu.state
    .customersOf(world.seed.tenantId)
    .filter((c) => c.domain === `${org.domainPrefix}.onmicrosoft.com`);
  expect("customers", customers.length, 1);
  const customerId = customers[0]?.id ?? "";
  expect("the providers' customer", [...new Set(views.map((v) => text(v.azure.tenantId)))], [customerId]);
  const stored = await storedCollections(world);
  for (const collection of [
    "pcSubscriptions",
    "pcOrders",
    "pcCarts",
    "pcAgreements",
    "pcApplicationConsents",
  ])
    expect(collection, countFor(stored, collection, customerId), 1);
  expect("Azure entitlements", countFor(stored, "pcAzureEntitlements", customerId), providers.length);
  const aliases = (stored["armSubscriptionAliases"] ?? []).filter((a) =>
    text(Output.parse(a)["billingScope"]).endsWith(`/customers/${customerId}`),
  );
  expect("subscription aliases", aliases.length, providers.length - 1);
  const subscriptions = emu.state
    .subscriptionsOf(customerId)
    .map((s) => s.subscriptionId)
    .sort();
  expect("Azure subscriptions", subscriptions, views.map((v) => text(v.azure.subscriptionId)).sort());
  for (const sub of subscriptions) {
    expect(`role assignments on ${sub}`, emu.state.roleAssignmentsUnder(`/subscriptions/${sub}`).length, 1);
    expect(`policy assignments on ${sub}`, emu.state.policyAssignmentsAt(`/subscriptions/${sub}`).length, 1);
  }
  return problems;
}
