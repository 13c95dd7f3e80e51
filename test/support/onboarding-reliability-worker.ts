// A worker process for the onboarding reliability tests: the product's own modules (createModules) on the test's
// scratch PostgreSQL database, connected to the test's emulator through the real adapters. It connects, prints
// "ready", and drives onboarding runs once it reads "go" on standard input, so that a replacement is warm before the
// test kills the worker doing the work. SIGTERM stops it cleanly.
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { systemClock } from "../../src/platform/clock.ts";
import { parseConfig } from "../../src/platform/config.ts";
import { openDatabase } from "../../src/platform/db/open-database.ts";
import { seededRandom } from "../../src/platform/seeded-random.ts";
import { createModules } from "../../src/main/runtime.ts";
import type { DemoSeed } from "../../src/emulator/index.ts";
import { integrationsFor } from "./test-integrations.ts";

const env = z
  .object({
    DATABASE_URL: z.string(),
    EMULATOR_URL: z.string(),
    EMULATOR_CA: z.string(),
    DEMO_SEED: z.string(),
    SECRETS_KEYS: z.string(),
    WORKER_SEED: z.coerce.number().int(),
    CONCURRENCY: z.coerce.number().int().min(1),
  })
  .parse(process.env);

const seed = JSON.parse(env.DEMO_SEED) as DemoSeed;
const database = await openDatabase({
  kind: "postgres",
  url: env.DATABASE_URL,
  poolSize: env.CONCURRENCY + 2,
});
const config = parseConfig({
  DATA_DIR: path.join(os.tmpdir(), "pc-reliability-worker"),
  PUBLIC_URL: "http://localhost:8080",
  SECRETS_KEYS: env.SECRETS_KEYS,
});
const connected = await integrationsFor(
  { baseUrl: env.EMULATOR_URL, caPath: env.EMULATOR_CA },
  seed,
  systemClock,
);
const modules = createModules(database, config, systemClock, connected.integrations, {
  random: seededRandom(env.WORKER_SEED),
});

// Standard input is the test's leash: "go" starts the work, and its end (the test is gone) ends the process.
const lines = createInterface({ input: process.stdin });
lines.on("close", () => process.exit(0));
process.stdout.write("ready\n");
const [first] = (await once(lines, "line")) as [string];
if (first !== "go") process.exit(2);
const worker = modules.onboarding.startWorker({ concurrency: env.CONCURRENCY, pollMs: 50 });
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => connected.close())
    .then(() => database.close())
    .then(() => process.exit(0));
});
