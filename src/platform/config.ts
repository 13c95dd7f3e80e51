import path from "node:path";
import { z } from "zod";

/**
 * The product's configuration: one schema, parsed once at start, frozen and passed down.
 * This is the only file that reads `process.env`. Keys marked secret are never logged.
 */
const Schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL")
    .optional(),
  PUBLIC_URL: z
    .url("must be the absolute URL people use to reach the console, e.g. https://cloud.example.com")
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(168),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(10),
  LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  INVITATION_MAX_FAILURES: z.coerce.number().int().min(1).max(100000).default(20),
  MAIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Partner Cloud <noreply@partner-cloud.local>"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
});

export type Config = Readonly<{
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  logLevel: z.infer<typeof Schema>["LOG_LEVEL"];
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  invitationTtlHours: number;
  loginMaxFailures: number;
  loginWindowMinutes: number;
  invitationMaxFailures: number;
  mail: Readonly<{ smtpUrl: string | undefined; from: string }>;
  dbPoolSize: number;
  emulatorPort: number;
}>;

/** Keys whose values must never appear in logs or API responses. */
export const secretConfigKeys: ReadonlySet<string> = new Set(["DATABASE_URL", "MAIL_SMTP_URL"]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset, as shells and CI systems often export them empty.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = Schema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
    invitationMaxFailures: e.INVITATION_MAX_FAILURES,
    mail: Object.freeze({ smtpUrl: e.MAIL_SMTP_URL, from: e.MAIL_FROM }),
    dbPoolSize: e.DB_POOL_SIZE,
    emulatorPort: e.EMULATOR_PORT,
  });
}

export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
