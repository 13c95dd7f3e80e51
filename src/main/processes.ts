import type { Config } from "../platform/config.ts";
import { createLogger } from "../platform/log.ts";
import { startMailWorker } from "./mail-worker.ts";
import { createHttpApp, createMailer, createModules, databaseOptions, openDatabase } from "./runtime.ts";
import { seedDemo } from "./demo-seed.ts";
import { cookieSettings } from "../api/session-cookie.ts";
import { systemClock } from "../platform/clock.ts";
import { connectMicrosoft } from "./microsoft.ts";
import { createRefreshTokenStore } from "../modules/microsoft-connection/index.ts";
import { loadSecretBox, type SecretBox } from "../platform/secrets.ts";
import { PARTNER_CENTER_EVENTS_PATH } from "../api/routes/partner-center-event-routes.ts";
import { registerPartnerCenterEvents } from "./partner-center-events.ts";

/** How often a worker looks for months to close and invoices to post. */
const MONTH_CLOSE_INTERVAL_MS = 10 * 60_000;

/** `embedded`: the all-in-one `pcloud start`, which runs the emulator in-process when Microsoft is not configured. */
export type RunOptions = { http: boolean; worker: boolean; demo: boolean; embedded: boolean };

/**
 * Runs the product: the HTTP server (API + console), the worker, or both in one process. With PGlite the data
 * folder is locked to this process; with PostgreSQL any number of server and worker processes share the database.
 */
export async function run(
  config: Config,
  opts: RunOptions,
): Promise<{ stop(): Promise<void>; url: string | null }> {
  const log = createLogger(config, opts.http ? "server" : "worker");
  const database = await openDatabase(databaseOptions(config));
  // The partner administrator's sign-in, kept in the database; the key is loaded when a token is first read.
  let box: SecretBox | undefined;
  const refreshTokens = createRefreshTokenStore({
    db: database.db,
    clock: systemClock,
    secrets: () => (box ??= loadSecretBox(config).box),
    log,
  });
  const microsoft = await connectMicrosoft(config, {
    embedded: opts.embedded,
    clock: systemClock,
    log,
    refreshTokens,
  });
  const modules = createModules(database, config, systemClock, microsoft.integrations);
  const mail = await createMailer(config);
  const stops: (() => Promise<void>)[] = [];

  if (opts.demo) {
    const seeded = await seedDemo(modules);
    if (seeded.seeded) {
      process.stdout.write(
        `\nDemo data created. Sign in with any of these accounts and the password ${seeded.password}\n` +
          seeded.accounts.map((a) => `  ${a}\n`).join("") +
          "(the password is shown only now)\n\n",
      );
    } else process.stdout.write("\nThis installation is already set up; the demo data was not added.\n\n");
  }

  let url: string | null = null;
  if (opts.http) {
    const app = await createHttpApp(database, modules, config, {
      mailboxDir: mail.mailboxDir,
      log: config.logLevel !== "silent",
    });
    const address = await app.listen({ port: config.port, host: config.host });
    url = config.publicUrl;
    if (!cookieSettings(config).secure)
      log.warn(
        "PUBLIC_URL is plain http on a remote host: the session cookie cannot be Secure. Serve over https.",
      );
    const setup = await modules.tenancy.setup.status();
    process.stdout.write(
      `\nPartner Cloud is running: open ${config.publicUrl}\n` +
        (setup.needsSetup
          ? "First run: the console will ask you to create the partner operator account.\n"
          : "") +
        `API docs: ${config.publicUrl}/docs   (listening on ${address})\n` +
        (mail.mailboxDir
          ? `Mail is captured (no real mail is sent); operators read it under Mailbox in the console.\n`
          : "") +
        `${microsoft.describe}\n` +
        `Database: ${database.kind === "pglite" ? `embedded PGlite in ${config.dataDir}` : "PostgreSQL"}\n\n`,
    );
    stops.push(() => app.close());
    // Partner Center's events reach the server that registered for them; the embedded world registers its own URL.
    const eventsUrl =
      config.microsoft.partnerCenterEventsUrl ??
      (microsoft.embedded ? `${config.publicUrl}${PARTNER_CENTER_EVENTS_PATH}` : undefined);
    if (eventsUrl) {
      const registering = registerPartnerCenterEvents(modules.partnerCenterEvents, eventsUrl, log);
      stops.push(() => registering);
    }
  }
  if (opts.worker) {
    const worker = startMailWorker({ notifications: modules.notifications, mailer: mail.mailer, log });
    stops.push(() => worker.stop());
    const onboarding = modules.onboarding.startWorker({ concurrency: 4 });
    stops.push(() => onboarding.stop());
    const reminders = modules.onboarding.migrateTenant.startReminders({ intervalMs: 60_000 });
    stops.push(() => reminders.stop());
    const webhooks = modules.webhooks.startWorker({ pollMs: 1000, log });
    stops.push(() => webhooks.stop());
    // Null when this worker is not connected to Microsoft: there is nothing it could re-read.
    const drift = modules.governance.drift?.startSchedule({ intervalMs: config.driftCheckMinutes * 60_000 });
    if (drift) stops.push(() => drift.stop());
    // Microsoft's usage, pulled on a schedule by whichever worker takes the lock; none without a connection, or
    // when the operator turned scheduled pulls off.
    const pullMinutes = config.usage.pullMinutes;
    const usagePulls =
      microsoft.integrations && pullMinutes !== null
        ? modules.billingUsage.startPulls({ intervalMs: pullMinutes * 60_000 })
        : null;
    if (usagePulls) stops.push(() => usagePulls.stop());
    // Invoices: each month closed per the billing timing, finalized invoices posted to the partner cloud.
    const monthClose = modules.invoicing.startMonthClose({ intervalMs: MONTH_CLOSE_INTERVAL_MS });
    stops.push(() => monthClose.stop());
  }
  return {
    url,
    async stop() {
      for (const s of stops) await s();
      await mail.close();
      await microsoft.close();
      await database.close();
    },
  };
}

/** Stops cleanly on SIGINT/SIGTERM, so PGlite flushes and the data-folder lock is released. */
export function stopOnSignals(running: { stop(): Promise<void> }): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
