import { usageCommand } from "../emulator/usage-generator/index.ts";
import { billingCommand } from "../modules/billing/engine/index.ts";
import { createAuditLog } from "../modules/audit/index.ts";
import { createBillingUsage, usageImportCommand } from "../modules/billing/usage/index.ts";
import { systemClock } from "../platform/clock.ts";
import { ConfigError, loadConfig } from "../platform/config.ts";
import { DataDirLockedError } from "../platform/db/data-dir-lock.ts";
import { runEmulator } from "./emulator-process.ts";
import { run, stopOnSignals, type RunOptions } from "./processes.ts";
import { databaseOptions, openDatabase } from "./runtime.ts";

const usage = `pcloud — Partner Cloud administration

Usage: pcloud <command> [--demo]

Commands:
  start     API, console and worker in one process (the default of npm start)
  server    the API and console only (scale out: several, on PostgreSQL)
  worker    the background worker only (scale out: several, on PostgreSQL)
  demo      start with a demo partner, organizations, cost centers and users
  emulator  the offline Microsoft world alone [--seed demo] [--json]
  billing rate FILE... [--markup PCT] [--json]
            rate Partner Center daily rated usage files, no database (pcloud billing help)
  usage generate --out FILE [--seed N] [--rows N | --customers N] [--month YYYY-MM] …
            a synthetic Partner Center usage file and its expected totals (pcloud usage help)
  usage import FILE [--billed] [--invoice ID] [--json]
            import a daily rated usage file into the database, as versioned snapshots
  help      this text

Configuration comes from the environment: PORT (8080), HOST (127.0.0.1), DATA_DIR (./data),
DATABASE_URL (postgres://…, default: embedded PGlite in DATA_DIR), PUBLIC_URL, MAIL_SMTP_URL, LOG_LEVEL,
EMULATOR_PORT (8443), and Microsoft's endpoints: MICROSOFT_LOGIN_URL, PARTNER_CENTER_URL, GRAPH_URL, ARM_URL,
PARTNER_CLOUD_URL, PARTNER_TENANT_ID, PARTNER_APP_CLIENT_ID, PARTNER_APP_CLIENT_SECRET, MICROSOFT_CA_FILE,
SECRETS_KEYS (unset URLs: \`start\` runs the emulator inside the process).
`;

/** The command line: wiring only. */
export async function main(argv: string[]): Promise<void> {
  const args = argv.filter((a) => a !== "--");
  const demo = args.includes("--demo");
  const command = args.find((a) => !a.startsWith("-")) ?? "start";
  const modes: Record<string, RunOptions> = {
    start: { http: true, worker: true, demo, embedded: true },
    server: { http: true, worker: false, demo, embedded: false },
    worker: { http: false, worker: true, demo: false, embedded: false },
    demo: { http: true, worker: true, demo: true, embedded: true },
  };
  if (command === "billing") {
    process.exitCode = await billingCommand(args.slice(args.indexOf(command) + 1), process);
    return;
  }
  if (command === "usage" && args[args.indexOf(command) + 1] === "import") {
    process.exitCode = await usageImportCommand(args.slice(args.indexOf(command) + 2), process, async () => {
      const config = loadConfig();
      const database = await openDatabase(databaseOptions(config));
      const usage = createBillingUsage({
        db: database.db,
        clock: systemClock,
        audit: createAuditLog({ db: database.db, clock: systemClock }),
        dialect: database.kind,
        source: config.usage.source,
        microsoft: null,
      });
      return { usage, close: () => database.close() };
    });
    return;
  }
  if (command === "usage") {
    process.exitCode = await usageCommand(args.slice(args.indexOf(command) + 1), process);
    return;
  }
  if (command === "emulator") {
    const seedAt = args.indexOf("--seed");
    const seed = seedAt >= 0 ? (args[seedAt + 1] ?? "demo") : null;
    stopOnSignals(await runEmulator(loadConfig(), { seed, json: args.includes("--json") }));
    return;
  }
  const mode = modes[command];
  if (!mode) {
    process.stdout.write(usage);
    process.exitCode = command === "help" ? 0 : 2;
    return;
  }
  try {
    const config = loadConfig();
    stopOnSignals(await run(config, mode));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DataDirLockedError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
