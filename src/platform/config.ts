import path from "node:path";
import { z } from "zod";

const httpsUrl = (what: string) =>
  z
    .url({ protocol: /^https$/, error: `must be the https:// base URL of ${what}` })
    .transform((u) => u.replace(/\/+$/, ""))
    .optional();

/** `SECRETS_KEYS`: `id:base64`, comma-separated, the first encrypts; each key is 32 random bytes (AES-256). */
const SECRETS_KEYS_FORMAT =
  /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=(,[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=)*$/;

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
  DRIFT_CHECK_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  USAGE_SOURCE: z
    .enum(["graph", "partner-center"], {
      error:
        "must be graph (Microsoft Graph's billing export, the default) or partner-center (the v1 paged API)",
    })
    .default("graph"),
  // "off": no scheduled pulls (usage comes from files an operator imports, or from "pull now").
  USAGE_PULL_MINUTES: z
    .literal("off")
    .transform(() => null)
    .or(
      z.coerce
        .number({ error: "must be off or a whole number of minutes from 5 to 10080" })
        .int("must be off or a whole number of minutes from 5 to 10080")
        .min(5, "must be off or at least 5 minutes")
        .max(10080, "must be off or at most 10080 minutes (a week)"),
    )
    .default(240),
  MIGRATION_INVITATION_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  MIGRATION_REMINDER_DAYS: z
    .string()
    .regex(/^(none|\d{1,3}(,\d{1,3})*)$/, {
      error: "must be days after sending, comma-separated and rising (e.g. 3,10,30), or none",
    })
    .refine(
      (v) => v === "none" || v.split(",").every((d, i, all) => i === 0 || Number(d) > Number(all[i - 1])),
      {
        error: "must be rising: each reminder later than the one before (e.g. 3,10,30)",
      },
    )
    .default("3,10,30,60"),
  MIGRATION_GDAP_ROLES: z
    .string()
    .regex(
      /^(none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})*)$/i,
      {
        error:
          "must be Microsoft Entra role template ids (GUIDs), comma-separated, or none to send no GDAP request",
      },
    )
    .default("f2ef992c-3afb-46b9-b7cf-a126ee74c451,88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
  MIGRATION_GDAP_DAYS: z.coerce.number().int().min(1).max(730).default(730),
  MAIL_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
    .optional(),
  MAIL_FROM: z.string().min(3).default("Partner Cloud <noreply@partner-cloud.local>"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8443),
  MICROSOFT_LOGIN_URL: httpsUrl("Microsoft Entra ID, e.g. https://login.microsoftonline.com"),
  PARTNER_CENTER_URL: httpsUrl("Partner Center, e.g. https://api.partnercenter.microsoft.com"),
  GRAPH_URL: httpsUrl("Microsoft Graph, e.g. https://graph.microsoft.com"),
  ARM_URL: httpsUrl("Azure Resource Manager, e.g. https://management.azure.com"),
  MICROSOFT_ADMIN_CENTER_URL: httpsUrl("the Microsoft 365 admin center, e.g. https://admin.microsoft.com"),
  PARTNER_CLOUD_URL: httpsUrl("the partner cloud's API v2, e.g. https://api.example-cloud.com"),
  PARTNER_CLOUD_BILLING_USER: z
    .string()
    .regex(/^[\w.@+-]{1,100}$/, {
      error: "must be the user name of the partner's own partner-cloud user that posts invoice lines",
    })
    .optional(),
  PARTNER_CLOUD_BILLING_PASSWORD: z.string().min(1).max(200).optional(),
  PARTNER_TENANT_ID: z
    .string()
    .regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i, {
      error: "must be the partner's Entra tenant id (a GUID) or its domain",
    })
    .optional(),
  PARTNER_APP_CLIENT_ID: z
    .string()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
      error: "must be the application (client) id of the partner's Entra app, a GUID",
    })
    .optional(),
  PARTNER_APP_CLIENT_SECRET: z.string().min(1).optional(),
  PARTNER_BILLING_ACCOUNT: z
    .string()
    .regex(/^[\w:.-]{1,128}$/, {
      error:
        "must be the name of the partner's Microsoft Partner Agreement billing account (Microsoft.Billing)",
    })
    .optional(),
  MICROSOFT_CA_FILE: z.string().min(1).optional(),
  PARTNER_CENTER_EVENTS_URL: z
    .url({
      protocol: /^https?$/,
      error:
        "must be the absolute URL Partner Center can reach this server's event route at, e.g. https://cloud.example.com/api/v1/partner-center/events",
    })
    .optional(),
  SECRETS_KEYS: z
    .string()
    .regex(SECRETS_KEYS_FORMAT, {
      error: "must be id:base64 pairs, comma-separated, each key 32 bytes (e.g. k2:<base64>,k1:<base64>)",
    })
    .refine((v) => new Set(v.split(",").map((k) => k.split(":")[0])).size === v.split(",").length, {
      error: "names a key id twice",
    })
    .optional(),
});

/** Rules that tie keys together; each issue names the key to fix. */
const Checked = Schema.superRefine((e, ctx) => {
  // Against Microsoft itself there is no demo app to fall back on: the partner's own must be configured.
  if (e.MICROSOFT_LOGIN_URL)
    for (const key of ["PARTNER_TENANT_ID", "PARTNER_APP_CLIENT_ID", "PARTNER_APP_CLIENT_SECRET"] as const)
      if (!e[key])
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "is required when MICROSOFT_LOGIN_URL is set",
        });
  // The partner cloud's billing sign-in is one thing: a user name without its password (or the reverse) is a typo.
  for (const [key, other] of [
    ["PARTNER_CLOUD_BILLING_USER", "PARTNER_CLOUD_BILLING_PASSWORD"],
    ["PARTNER_CLOUD_BILLING_PASSWORD", "PARTNER_CLOUD_BILLING_USER"],
  ] as const)
    if (e[other] && !e[key])
      ctx.addIssue({ code: "custom", path: [key], message: `is required when ${other} is set` });
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
  /** How often workers re-read each managed subscription's role and policy assignments. */
  driftCheckMinutes: number;
  /** Where workers pull Microsoft's daily rated usage from, and how often. */
  usage: Readonly<{ source: "graph" | "partner-center"; pullMinutes: number | null }>;
  /** Migrating an existing tenant: how long an invitation stays open, when reminders go, what GDAP asks for. */
  migration: Readonly<{
    invitationDays: number;
    reminderDays: readonly number[];
    /** Null: the partner sends no GDAP request. */
    gdap: Readonly<{ roleIds: readonly string[]; days: number }> | null;
  }>;
  mail: Readonly<{ smtpUrl: string | undefined; from: string }>;
  dbPoolSize: number;
  emulatorPort: number;
  /** Microsoft's endpoints and the partner's application. An unset URL means the embedded emulator. */
  microsoft: Readonly<{
    loginUrl: string | undefined;
    partnerCenterUrl: string | undefined;
    graphUrl: string | undefined;
    armUrl: string | undefined;
    /** Where customers' administrators approve GDAP requests. */
    adminCenterUrl: string | undefined;
    partnerTenantId: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** The partner's Microsoft Partner Agreement billing account, which new Azure subscriptions bill to. */
    billingAccount: string | undefined;
    /** An extra CA to trust: the given file, else the embedded emulator's CA when any endpoint is emulated. */
    caFile: string | undefined;
    /**
     * Where Partner Center posts its events (`<PUBLIC_URL>/api/v1/partner-center/events` as Microsoft reaches it);
     * registered at start. Unset: not registered, except in the embedded world, which registers its own.
     */
    partnerCenterEventsUrl: string | undefined;
  }>;
  partnerCloud: Readonly<{
    url: string | undefined;
    /**
     * The partner's own partner-cloud user (of the top account) that posts invoice lines. Unset in the embedded
     * world, which seeds one; unset elsewhere, invoices are not posted.
     */
    billingUser: Readonly<{ userName: string; password: string }> | undefined;
  }>;
  /** Keys that encrypt secrets at rest; the first encrypts, all decrypt. Empty: a generated key in `keyFile`. */
  secrets: Readonly<{ keys: readonly Readonly<{ id: string; key: string }>[]; keyFile: string }>;
}>;

/** Keys whose values must never appear in logs or API responses. */
export const secretConfigKeys: ReadonlySet<string> = new Set([
  "DATABASE_URL",
  "MAIL_SMTP_URL",
  "PARTNER_APP_CLIENT_SECRET",
  "PARTNER_CLOUD_BILLING_PASSWORD",
  "SECRETS_KEYS",
]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable counts as unset, as shells and CI systems often export them empty.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = Checked.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const emulated = [
    e.MICROSOFT_LOGIN_URL,
    e.PARTNER_CENTER_URL,
    e.GRAPH_URL,
    e.ARM_URL,
    e.PARTNER_CLOUD_URL,
  ].some((u) => u === undefined);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    logLevel: e.LOG_LEVEL,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    invitationTtlHours: e.INVITATION_TTL_HOURS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginWindowMinutes: e.LOGIN_WINDOW_MINUTES,
    invitationMaxFailures: e.INVITATION_MAX_FAILURES,
    driftCheckMinutes: e.DRIFT_CHECK_MINUTES,
    usage: Object.freeze({ source: e.USAGE_SOURCE, pullMinutes: e.USAGE_PULL_MINUTES }),
    migration: Object.freeze({
      invitationDays: e.MIGRATION_INVITATION_DAYS,
      reminderDays: Object.freeze(
        e.MIGRATION_REMINDER_DAYS === "none" ? [] : e.MIGRATION_REMINDER_DAYS.split(",").map(Number),
      ),
      gdap:
        e.MIGRATION_GDAP_ROLES === "none"
          ? null
          : Object.freeze({
              roleIds: Object.freeze(e.MIGRATION_GDAP_ROLES.toLowerCase().split(",")),
              days: e.MIGRATION_GDAP_DAYS,
            }),
    }),
    mail: Object.freeze({ smtpUrl: e.MAIL_SMTP_URL, from: e.MAIL_FROM }),
    dbPoolSize: e.DB_POOL_SIZE,
    emulatorPort: e.EMULATOR_PORT,
    microsoft: Object.freeze({
      loginUrl: e.MICROSOFT_LOGIN_URL,
      partnerCenterUrl: e.PARTNER_CENTER_URL,
      graphUrl: e.GRAPH_URL,
      armUrl: e.ARM_URL,
      adminCenterUrl: e.MICROSOFT_ADMIN_CENTER_URL,
      partnerTenantId: e.PARTNER_TENANT_ID,
      clientId: e.PARTNER_APP_CLIENT_ID,
      clientSecret: e.PARTNER_APP_CLIENT_SECRET,
      billingAccount: e.PARTNER_BILLING_ACCOUNT,
      caFile: e.MICROSOFT_CA_FILE
        ? path.resolve(e.MICROSOFT_CA_FILE)
        : emulated
          ? path.join(dataDir, "emulator", "tls", "ca.pem")
          : undefined,
      partnerCenterEventsUrl: e.PARTNER_CENTER_EVENTS_URL,
    }),
    partnerCloud: Object.freeze({
      url: e.PARTNER_CLOUD_URL,
      billingUser:
        e.PARTNER_CLOUD_BILLING_USER && e.PARTNER_CLOUD_BILLING_PASSWORD
          ? Object.freeze({
              userName: e.PARTNER_CLOUD_BILLING_USER,
              password: e.PARTNER_CLOUD_BILLING_PASSWORD,
            })
          : undefined,
    }),
    secrets: Object.freeze({
      keys: Object.freeze(
        (e.SECRETS_KEYS?.split(",") ?? []).map((pair) => {
          const [id = "", key = ""] = pair.split(":");
          return Object.freeze({ id, key });
        }),
      ),
      keyFile: path.join(dataDir, "secrets.key"),
    }),
  });
}

export function loadConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({ ...process.env, ...overrides });
}
