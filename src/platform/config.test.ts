import assert from "node:assert/strict";
import path from "node:path";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "./config.ts";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(env)} to be refused`);
}

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
  });
});
