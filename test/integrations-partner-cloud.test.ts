import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { after, afterEach, before, describe, test } from "node:test";
import pino from "pino";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { createHttpClient, type HttpClient } from "../src/integrations/http/index.ts";
import {
  createPartnerCloudClient,
  type PartnerCloud,
  type PartnerCloudSession,
} from "../src/integrations/partner-cloud/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

void describe("partner cloud adapter against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let http: HttpClient;
  let cloud: PartnerCloud;
  const logLines: string[] = [];
  const waits: number[] = [];

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("int-cloud"));
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString("utf8"));
        done();
      },
    });
    http = createHttpClient({
      baseUrl: emu.baseUrl,
      ca: readFileSync(emu.caPath, "utf8"),
      timeoutMs: 5_000,
      log: pino({ level: "trace" }, sink),
    });
    cloud = createPartnerCloudClient({
      http,
      clock: systemClock,
      retry: {
        tools: {
          sleep: (ms) => {
            waits.push(ms);
            return Promise.resolve();
          },
        },
      },
    });
  });
  afterEach(async () => {
    await emulatorClient(emu).request("DELETE", "/_emulator/faults");
  });
  after(async () => {
    http.close();
    await emu.close();
  });

  const fault = (rule: Record<string, unknown>) =>
    emulatorClient(emu).request("POST", "/_emulator/faults", { json: rule });

  async function adminSession(): Promise<PartnerCloudSession> {
    const result = await cloud.login(seed.partnerCloud.userName, seed.partnerCloud.password);
    assert.ok(result.ok, JSON.stringify(result));
    return result.value;
  }

  void test("an account administrator signs in and gets the account alias, roles and a session of two weeks", async () => {
    const session = await adminSession();
    assert.equal(session.accountAlias, "PCLD");
    assert.deepEqual(session.roles, ["AccountAdmin"]);
    assert.ok(session.bearerToken.length > 20);
    assert.ok(session.expiresAt.getTime() > Date.now() + 13 * 86_400_000);
    assert.ok(!JSON.stringify(session).includes(seed.partnerCloud.password));
  });

  void test("a viewer is refused as not an account administrator", async () => {
    const result = await cloud.login("pcviewer", seed.partnerCloud.password);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "partner_cloud_not_account_admin");
    assert.deepEqual(result.error.details, { userName: "pcviewer", roles: ["AccountViewer"] });
  });

  void test("a wrong password is refused as bad credentials, and no password appears in an error or a log line", async () => {
    const wrong = "Wrong-Pa55word-that-must-not-leak";
    const result = await cloud.login("pcadmin", wrong);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "partner_cloud_bad_credentials");
    assert.equal(result.error.retryable, false);
    await adminSession();
    const everything = JSON.stringify(result) + logLines.join("");
    assert.ok(
      logLines.some((l) => l.includes("/v2/authentication/login")),
      "logins are logged",
    );
    assert.ok(!everything.includes(wrong));
    assert.ok(!everything.includes(seed.partnerCloud.password));
  });

  void test("the accounts an administrator may bill carry country, status and the demo, internal and reseller flags", async () => {
    const result = await cloud.accountsBillableBy(await adminSession());
    assert.ok(result.ok);
    const byAlias = new Map(result.value.map((a) => [a.alias, a]));
    assert.deepEqual([...byAlias.keys()].sort(), ["PCCA", "PCDE", "PCLD", "PCUK", "PDMO", "PINT", "PRSL"]);
    assert.deepEqual(byAlias.get("PCUK"), {
      alias: "PCUK",
      name: "Contoso UK",
      parentAlias: "PCLD",
      country: "GB",
      status: "active",
      demo: false,
      internal: false,
      reseller: false,
    });
    assert.equal(byAlias.get("PCLD")?.parentAlias, null);
    assert.equal(byAlias.get("PDMO")?.demo, true);
    assert.equal(byAlias.get("PINT")?.internal, true);
    assert.equal(byAlias.get("PRSL")?.reseller, true);
    assert.equal(byAlias.get("PCDE")?.country, "DE");
  });

  void test("one account is read by alias; an alias out of reach is an unknown account", async () => {
    const session = await adminSession();
    const one = await cloud.account(session, "PCCA");
    assert.ok(one.ok);
    assert.equal(one.value.country, "CA");
    for (const alias of ["NOPE", "../v2/accounts"]) {
      const missing = await cloud.account(session, alias);
      assert.ok(!missing.ok);
      assert.equal(missing.error.code, "partner_cloud_unknown_account");
    }
  });

  void test("invoice lines posted appear in the invoice read back, with an exact decimal total", async () => {
    const session = await adminSession();
    const lines = [
      {
        key: "inv-PCUK-2026-02/1",
        description: "Integrated Microsoft Azure Services IaaS",
        quantity: 1,
        unitCost: "1234.56",
        itemTotal: "1234.56",
        serviceLocation: "US",
      },
      {
        key: "inv-PCUK-2026-02/2",
        description: "Integrated Microsoft Azure Services SaaS",
        quantity: 3,
        unitCost: "0.10",
        itemTotal: "0.30",
        serviceLocation: "US",
      },
    ];
    const posted = await cloud.postInvoiceLines(session, "PCUK", 2026, 2, lines);
    assert.deepEqual(posted, { ok: true, value: { posted: 2 } });
    const invoice = await cloud.invoice(session, "PCUK", 2026, 2);
    assert.ok(invoice.ok);
    assert.equal(invoice.value.accountAlias, "PCUK");
    assert.equal(invoice.value.totalAmount, "1234.86");
    assert.deepEqual(invoice.value.lines, lines);
    const otherMonth = await cloud.invoice(session, "PCUK", 2026, 3);
    assert.ok(otherMonth.ok);
    assert.deepEqual(otherMonth.value.lines, []);
  });

  void test("an expired or foreign session is reported as such, asking for a new sign-in", async () => {
    const session = await adminSession();
    const result = await cloud.accountsBillableBy({ ...session, bearerToken: "not-a-token" });
    assert.ok(!result.ok);
    assert.equal(result.error.code, "partner_cloud_session_expired");
  });

  void test("a throttled read is retried after Retry-After; a partner cloud that stays down is retryable", async () => {
    const session = await adminSession();
    await fault({ route: "GET /v2/accounts", kind: "status", status: 429, retryAfterSeconds: 2 });
    waits.length = 0;
    const retried = await cloud.accountsBillableBy(session);
    assert.ok(retried.ok);
    assert.deepEqual(waits, [2000]);

    await fault({ route: "GET /v2/accounts/:alias", kind: "status", status: 503, times: 10 });
    const down = await cloud.account(session, "PCUK");
    assert.ok(!down.ok);
    assert.equal(down.error.code, "partner_cloud_unavailable");
    assert.equal(down.error.retryable, true);
  });

  void test("a line post cut off after the work is repeated under its key and lands once; a different line under a used key is refused", async () => {
    const session = await adminSession();
    await fault({ route: "POST /v2/invoice/:alias/:year/:month/lineItems", kind: "drop-after", times: 1 });
    const line = (key: string, itemTotal: string) => ({
      key,
      description: "Usage",
      quantity: 1,
      unitCost: itemTotal,
      itemTotal,
      serviceLocation: "",
    });
    const lines = [line("inv-PCCA-2026-04/1", "5.00"), line("inv-PCCA-2026-04/2", "7.00")];
    assert.deepEqual(await cloud.postInvoiceLines(session, "PCCA", 2026, 4, lines), {
      ok: true,
      value: { posted: 2 },
    });
    assert.deepEqual(
      await cloud.postInvoiceLines(session, "PCCA", 2026, 4, lines),
      { ok: true, value: { posted: 2 } },
      "posting the whole invoice again is harmless",
    );
    const invoice = await cloud.invoice(session, "PCCA", 2026, 4);
    assert.ok(invoice.ok);
    assert.deepEqual(
      invoice.value.lines.map((l) => l.key),
      ["inv-PCCA-2026-04/1", "inv-PCCA-2026-04/2"],
      "each line once, though the first answer was lost",
    );
    assert.equal(invoice.value.totalAmount, "12.00");
    const clash = await cloud.postInvoiceLines(session, "PCCA", 2026, 4, [
      line("inv-PCCA-2026-04/1", "9.00"),
    ]);
    assert.ok(!clash.ok);
    assert.equal(clash.error.code, "partner_cloud_rejected");
    assert.match(clash.error.message, /Idempotency-Key/);
  });

  void test("a throttled line post did nothing, so it is retried", async () => {
    const session = await adminSession();
    await fault({
      route: "POST /v2/invoice/:alias/:year/:month/lineItems",
      kind: "status",
      status: 429,
      retryAfterSeconds: 1,
    });
    const line = {
      key: "inv-PCLD-2026-05/1",
      description: "Usage",
      quantity: 2,
      unitCost: "1.25",
      itemTotal: "2.50",
      serviceLocation: "",
    };
    assert.deepEqual(await cloud.postInvoiceLines(session, "PCLD", 2026, 5, [line]), {
      ok: true,
      value: { posted: 1 },
    });
    const invoice = await cloud.invoice(session, "PCLD", 2026, 5);
    assert.ok(invoice.ok);
    assert.equal(invoice.value.totalAmount, "2.50");
  });
});
