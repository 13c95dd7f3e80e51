// A worker process for the crash tests: runs the `test-crash` workflow against DATABASE_URL and kills itself with
// SIGKILL where CRASH_AT=<step>:<before|after> says (before the step's effect, or after it but before the engine
// records the step). SIGTERM stops it cleanly.
import { z } from "zod";
import { systemClock } from "../../src/platform/clock.ts";
import { openDatabase } from "../../src/platform/db/open-database.ts";
import { createWorkflowEngine } from "../../src/modules/onboarding/index.ts";
import { seededRandom } from "../../src/platform/seeded-random.ts";
import { crashWorkflow } from "./onboarding-crash-workflow.ts";

const url = z.string().parse(process.env["DATABASE_URL"]);
const crashAt = process.env["CRASH_AT"] ?? "";
const database = await openDatabase({ kind: "postgres", url, poolSize: 3 });
const engine = createWorkflowEngine({
  db: database.db,
  clock: systemClock,
  random: seededRandom(Number(process.env["SEED"] ?? "1")),
  options: { leaseMs: Number(process.env["LEASE_MS"] ?? "1000") },
});
engine.register(
  crashWorkflow(
    (sqlText, params) => database.query(sqlText, params),
    (stepId, phase) => {
      if (crashAt === `${stepId}:${phase}`) process.kill(process.pid, "SIGKILL");
    },
  ),
);
const worker = engine.startWorker({ concurrency: 1, pollMs: 50 });
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void worker
    .stop()
    .then(() => database.close())
    .then(() => process.exit(0));
});
