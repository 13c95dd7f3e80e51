import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { ConfigError, parseConfig, secretConfigKeys } from "./config.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

const key32 = Buffer.alloc(32, 7).toString("base64");
const clientId = "0f4a7c2e-5b1d-4e8a-9c3f-2d6b8e1a4c7f";

void describe("configuration", () => {
  void test("with nothing set, every key has its documented default", () => {
    const c = parseConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.dataDir, path.resolve("./data"));
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.publicUrl, "http://localhost:8080");
    assert.equal(c.logLevel, "info");
    assert.equal(c.sessionIdleMinutes, 30);
    assert.equal(c.sessionAbsoluteHours, 12);
    assert.equal(c.invitationTtlHours, 168);
    assert.equal(c.loginMaxFailures, 10);
    assert.equal(c.loginWindowMinutes, 15);
    assert.equal(c.mail.smtpUrl, undefined);
    assert.equal(c.dbPoolSize, 10);
    assert.equal(c.usage.pullMinutes, 240);
  });

  void test("the default public URL follows PORT", () => {
    assert.equal(parseConfig({ PORT: "9000" }).publicUrl, "http://localhost:9000");
  });

  void test("given values are parsed and numbers coerced", () => {
    const c = parseConfig({
      PORT: "3000",
      DATABASE_URL: "postgresql://app@db:5432/pc",
      SESSION_IDLE_MINUTES: "5",
      SESSION_ABSOLUTE_HOURS: "8",
      LOGIN_MAX_FAILURES: "3",
    });
    assert.equal(c.port, 3000);
    assert.equal(c.databaseUrl, "postgresql://app@db:5432/pc");
    assert.equal(c.sessionIdleMinutes, 5);
    assert.equal(c.sessionAbsoluteHours, 8);
    assert.equal(c.loginMaxFailures, 3);
  });

  void test("USAGE_PULL_MINUTES is a number of minutes, or off for no scheduled pulls", () => {
    assert.equal(parseConfig({ USAGE_PULL_MINUTES: "60" }).usage.pullMinutes, 60);
    assert.equal(parseConfig({ USAGE_PULL_MINUTES: "off" }).usage.pullMinutes, null);
    assert.match(
      configError({ USAGE_PULL_MINUTES: "4" }).message,
      /USAGE_PULL_MINUTES: must be off or at least 5/,
    );
  });

  const bad: [string, Record<string, string>][] = [
    ["PORT", { PORT: "eighty" }],
    ["PORT", { PORT: "70000" }],
    ["PORT", { PORT: "80.5" }],
    ["PORT", { PORT: "-1" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://db/pc" }],
    ["DATABASE_URL", { DATABASE_URL: "db.internal:5432" }],
    ["PUBLIC_URL", { PUBLIC_URL: "cloud.example.com" }],
    ["MAIL_SMTP_URL", { MAIL_SMTP_URL: "http://relay" }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
    ["SESSION_IDLE_MINUTES", { SESSION_IDLE_MINUTES: "0" }],
    ["USAGE_PULL_MINUTES", { USAGE_PULL_MINUTES: "hourly" }],
    ["MICROSOFT_LOGIN_URL", { MICROSOFT_LOGIN_URL: "http://login.microsoftonline.com" }],
    ["PARTNER_CENTER_URL", { PARTNER_CENTER_URL: "api.partnercenter.microsoft.com" }],
    ["ARM_URL", { ARM_URL: "ftp://management.azure.com" }],
    ["PARTNER_CLOUD_URL", { PARTNER_CLOUD_URL: "not a url" }],
    ["PARTNER_TENANT_ID", { PARTNER_TENANT_ID: "contoso" }],
    ["PARTNER_APP_CLIENT_ID", { PARTNER_APP_CLIENT_ID: "my-app" }],
    ["SECRETS_KEYS", { SECRETS_KEYS: "k1" }],
    ["SECRETS_KEYS", { SECRETS_KEYS: `k1:${Buffer.alloc(16).toString("base64")}` }],
    ["SECRETS_KEYS", { SECRETS_KEYS: `k1:${key32},k1:${key32}` }],
    ["SECRETS_KEYS", { SECRETS_KEYS: `k.1:${key32}` }],
  ];
  for (const [key, env] of bad) {
    void test(`${key}=${Object.values(env)[0] ?? ""} is refused with a ConfigError naming ${key}`, () => {
      const e = configError(env);
      assert.match(e.message, new RegExp(`\\b${key}\\b`));
      assert.equal(e.name, "ConfigError");
    });
  }

  void test("every bad key is named at once, not only the first", () => {
    const e = configError({ PORT: "x", DATABASE_URL: "mysql://db" });
    assert.match(e.message, /\bPORT\b/);
    assert.match(e.message, /\bDATABASE_URL\b/);
  });

  void test("the error message never repeats a secret value it refused", () => {
    const e = configError({ DATABASE_URL: "mysql://admin:hunter2-secret@db/pc" });
    assert.ok(!e.message.includes("hunter2-secret"), e.message);
  });

  for (const [given, expected] of [
    ["https://cloud.example.com/", "https://cloud.example.com"],
    ["https://cloud.example.com///", "https://cloud.example.com"],
    ["https://cloud.example.com/partner/", "https://cloud.example.com/partner"],
    ["https://cloud.example.com", "https://cloud.example.com"],
  ] as const) {
    void test(`PUBLIC_URL ${given} becomes ${expected}`, () => {
      assert.equal(parseConfig({ PUBLIC_URL: given }).publicUrl, expected);
    });
  }

  void test("an empty variable counts as unset", () => {
    const c = parseConfig({ PORT: "", DATABASE_URL: "", PUBLIC_URL: "" });
    assert.equal(c.port, 8080);
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.publicUrl, "http://localhost:8080");
  });

  void test("the parsed configuration is frozen", () => {
    const c = parseConfig({});
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.mail));
    assert.ok(Object.isFrozen(c.microsoft));
    assert.ok(Object.isFrozen(c.partnerCloud));
    assert.ok(Object.isFrozen(c.secrets));
    assert.ok(Object.isFrozen(c.secrets.keys));
  });

  void test("with no integration settings, every service is the embedded emulator and its CA is trusted", () => {
    const c = parseConfig({ DATA_DIR: "/srv/pc" });
    assert.deepEqual(
      [c.microsoft.loginUrl, c.microsoft.partnerCenterUrl, c.microsoft.graphUrl, c.microsoft.armUrl],
      [undefined, undefined, undefined, undefined],
    );
    assert.equal(c.partnerCloud.url, undefined);
    assert.equal(c.microsoft.caFile, path.resolve("/srv/pc/emulator/tls/ca.pem"));
    assert.deepEqual(c.secrets.keys, []);
    assert.equal(c.secrets.keyFile, path.resolve("/srv/pc/secrets.key"));
  });

  void test("Microsoft's real endpoints with the partner's app: URLs without trailing slash, no extra CA", () => {
    const c = parseConfig({
      MICROSOFT_LOGIN_URL: "https://login.microsoftonline.com/",
      PARTNER_CENTER_URL: "https://api.partnercenter.microsoft.com",
      GRAPH_URL: "https://graph.microsoft.com",
      ARM_URL: "https://management.azure.com/",
      PARTNER_CLOUD_URL: "https://api.example-cloud.com",
      PARTNER_TENANT_ID: "contosopartner.onmicrosoft.com",
      PARTNER_APP_CLIENT_ID: clientId,
      PARTNER_APP_CLIENT_SECRET: "app-secret",
    });
    assert.equal(c.microsoft.loginUrl, "https://login.microsoftonline.com");
    assert.equal(c.microsoft.armUrl, "https://management.azure.com");
    assert.equal(c.microsoft.partnerTenantId, "contosopartner.onmicrosoft.com");
    assert.equal(c.microsoft.clientId, clientId);
    assert.equal(c.microsoft.clientSecret, "app-secret");
    assert.equal(c.microsoft.caFile, undefined);
    assert.equal(c.partnerCloud.url, "https://api.example-cloud.com");
  });

  void test("a configured CA file is trusted whatever the endpoints", () => {
    assert.equal(
      parseConfig({ MICROSOFT_CA_FILE: "/etc/ssl/corp-proxy.pem" }).microsoft.caFile,
      path.resolve("/etc/ssl/corp-proxy.pem"),
    );
  });

  void test("MICROSOFT_LOGIN_URL without the partner's app names every missing key", () => {
    const e = configError({ MICROSOFT_LOGIN_URL: "https://login.microsoftonline.com" });
    assert.match(e.message, /\bPARTNER_TENANT_ID\b/);
    assert.match(e.message, /\bPARTNER_APP_CLIENT_ID\b/);
    assert.match(e.message, /\bPARTNER_APP_CLIENT_SECRET\b/);
  });

  void test("SECRETS_KEYS is read in order: the first key encrypts", () => {
    const other = Buffer.alloc(32, 9).toString("base64");
    const c = parseConfig({ SECRETS_KEYS: `k2:${other},k1:${key32}` });
    assert.deepEqual(c.secrets.keys, [
      { id: "k2", key: other },
      { id: "k1", key: key32 },
    ]);
  });

  void test("the client secret and the secrets keys are marked secret, and a refused key is not repeated", () => {
    assert.ok(secretConfigKeys.has("PARTNER_APP_CLIENT_SECRET"));
    assert.ok(secretConfigKeys.has("SECRETS_KEYS"));
    const e = configError({ SECRETS_KEYS: "k1:c2VjcmV0LWtleS1tYXRlcmlhbA==" });
    assert.ok(!e.message.includes("c2VjcmV0LWtleS1tYXRlcmlhbA"), e.message);
  });
});
