import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import type { App } from "../src/api/context.ts";
import { PARTNER_CENTER_EVENTS_PATH } from "../src/api/routes/partner-center-event-routes.ts";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import type { Integrations } from "../src/main/microsoft.ts";
import { createHttpApp, createModules, type Modules } from "../src/main/runtime.ts";
import {
  createPartnerCenterEvents,
  RESELLER_RELATIONSHIP_ACCEPTED,
} from "../src/modules/partner-center-events/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import { parseConfig } from "../src/platform/config.ts";
import { openSignedIn } from "./support/admin-center-sign-in.ts";
import { backends } from "./support/databases.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";

type Captured = { body: string; headers: http.IncomingHttpHeaders };
type ErrorBody = { error: { code: string; message: string; requestId: string } };

/** A server that keeps what is posted to it: where Partner Center's deliveries are caught to be replayed. */
async function catcher() {
  const caught: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      caught.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/caught`,
    caught,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A TCP port that counts every connection made to it and answers none. */
async function connectionCounter() {
  const counted = { connections: 0 };
  const server = net.createServer((socket) => {
    counted.connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `https://127.0.0.1:${port}`,
    counted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const backend of backends()) {
  void describe(`Partner Center's events on ${backend.name}`, () => {
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let integrations: Integrations;
    let closeIntegrations: () => void;
    let modules: Modules;
    let app: App;
    let eventsUrl = "";
    let closeDatabase: () => Promise<void>;
    /** Every call of the callback main injects, in order. */
    const told: string[] = [];

    /** Sends a delivery to the route as Partner Center would, with the headers it came with. */
    const post = (body: string, headers: Record<string, string | string[] | undefined>) => {
      const sent: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(headers))
        if (value !== undefined && name !== "content-length" && name !== "host") sent[name] = value;
      return app.inject({ method: "POST", url: PARTNER_CENTER_EVENTS_PATH, payload: body, headers: sent });
    };

    const audited = async () =>
      (await modules.audit.list({ action: "partner_center.event_received", limit: 50 })).items;

    before(async () => {
      ({ emu, seed } = await startSeededEmulator(`pc-events-${backend.name}`));
      ({ integrations, close: closeIntegrations } = await integrationsFor(emu, seed, systemClock));
      const database = await backend.open();
      closeDatabase = () => database.close();
      const config = parseConfig({ DATA_DIR: ".tmp/unused", PUBLIC_URL: "http://localhost:8080" });
      const built = createModules(database, config, systemClock, integrations);
      // The product's module with the callback main injects replaced by one that records who it was told of.
      modules = {
        ...built,
        partnerCenterEvents: createPartnerCenterEvents({
          db: database.db,
          audit: built.audit,
          clock: systemClock,
          partnerCenter: {
            api: integrations.partnerCenter,
            baseUrl: integrations.partnerCenterUrl,
            certificates: integrations.webhookCertificates,
          },
          onResellerRelationshipAccepted: (customerTenantId) => {
            told.push(customerTenantId);
            return Promise.resolve(1);
          },
        }),
      };
      app = await createHttpApp(database, modules, config, { mailboxDir: null, log: false });
      await app.listen({ port: 0, host: "127.0.0.1" });
      const address = app.server.address();
      eventsUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}${PARTNER_CENTER_EVENTS_PATH}`;
    });
    after(async () => {
      await app.close();
      await closeDatabase();
      closeIntegrations();
      await emu.close();
    });

    void test("registering takes over the partner's one registration, keeps its events, and a second time changes nothing", async () => {
      const earlier = await catcher();
      try {
        const taken = await integrations.partnerCenter.registerWebhook({
          url: earlier.url,
          events: ["test-created"],
        });
        assert.ok(taken.ok);
        const first = await modules.partnerCenterEvents.ensureRegistration(eventsUrl);
        assert.deepEqual(first, { ok: true, value: { changed: true, replacedUrl: earlier.url } });
        const again = await modules.partnerCenterEvents.ensureRegistration(eventsUrl);
        assert.deepEqual(again, { ok: true, value: { changed: false, replacedUrl: null } });
        const registered = await integrations.partnerCenter.webhookRegistration();
        assert.deepEqual(registered, {
          ok: true,
          value: { url: eventsUrl, events: ["test-created", RESELLER_RELATIONSHIP_ACCEPTED] },
        });
      } finally {
        await earlier.close();
      }
    });

    void test("a customer's administrator accepts the reseller invitation: the signed delivery reaches the route and the callback fires once with the customer", async () => {
      const tenant = emu.state.addTenant({
        domain: `acceptor${randomBytes(3).toString("hex")}.onmicrosoft.com`,
        displayName: "Acceptor Ltd",
      });
      const password = `${randomBytes(9).toString("base64url")}!1a`;
      const admin = emu.state.addUser({
        tenantId: tenant.id,
        alias: "admin",
        displayName: "Admin",
        password,
        roles: ["Global Administrator"],
      });
      const link = await integrations.partnerCenter.relationshipRequestLink();
      assert.ok(link.ok);
      const browser = emulatorBrowser(emu);
      const page = await openSignedIn(browser, link.value, { userName: admin.userPrincipalName, password });
      const form = browser.form(page, "Accept");
      const accepted = await browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" });
      assert.match(accepted.text, /You accepted the invitation/);

      await until("the callback", () => (told.length > 0 ? told : undefined));
      // The emulator logs a delivery once our answer reached it, which can be just after the callback ran.
      let log: { url: string; status: number; attempts: number }[] = [];
      for (let i = 0; i < 100 && log.length === 0; i++) {
        const deliveries = await emulatorClient(emu).request(
          "GET",
          `/_emulator/webhook-deliveries?event=${RESELLER_RELATIONSHIP_ACCEPTED}`,
        );
        log = deliveries.body["value"] as typeof log;
        if (log.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(
        log.map((d) => [d.url, d.status, d.attempts]),
        [[eventsUrl, 200, 1]],
      );
      assert.deepEqual(told, [tenant.id.toLowerCase()], "told once, of that customer");
      const [record] = await audited();
      assert.equal(record?.actorKind, "system");
      assert.equal(record?.targetType, "customer_tenant");
      assert.equal(record?.targetId, tenant.id.toLowerCase());
      assert.deepEqual(record?.details, {
        eventName: RESELLER_RELATIONSHIP_ACCEPTED,
        handled: true,
        runsWoken: 1,
      });
    });

    void test("a genuine delivery replayed is accepted; the same delivery with its event changed is 401 and tells nobody", async () => {
      const caught = await catcher();
      try {
        const moved = await integrations.partnerCenter.registerWebhook({
          url: caught.url,
          events: [RESELLER_RELATIONSHIP_ACCEPTED, "test-created"],
        });
        assert.ok(moved.ok);
        const token = await emulatorClient(emu).token(
          seed,
          "https://api.partnercenter.microsoft.com/.default",
        );
        await emulatorClient(emu).request("POST", "/webhooks/v1/registration/validationEvents", {
          headers: { authorization: `Bearer ${token}` },
        });
        const genuine = await until("a delivery", () => caught.caught[0]);
        const before = told.length;
        const recordsBefore = (await audited()).length;

        const replayed = await post(genuine.body, genuine.headers);
        assert.equal(replayed.statusCode, 200, replayed.body);
        assert.deepEqual(replayed.json(), {
          eventName: "test-created",
          customerTenantId: null,
          handled: false,
        });

        const customer =
          "https://api.partnercenter.microsoft.com/v1/customers/11111111-2222-4333-8444-555555555555";
        const tampered = genuine.body
          .replace('"test-created"', `"${RESELLER_RELATIONSHIP_ACCEPTED}"`)
          .replace(/"ResourceUri":"[^"]*"/, `"ResourceUri":"${customer}"`);
        assert.notEqual(tampered, genuine.body);
        const refused = await post(tampered, genuine.headers);
        assert.equal(refused.statusCode, 401, refused.body);
        const body = refused.json<ErrorBody>();
        assert.equal(body.error.code, "partner_center_event_signature_invalid");
        assert.match(body.error.message, /body was changed|not signed by Partner Center/);
        assert.ok(body.error.requestId);

        assert.equal(told.length, before, "nobody was told");
        assert.equal((await audited()).length, recordsBefore + 1, "only the genuine delivery is audited");
      } finally {
        await caught.close();
        const back = await modules.partnerCenterEvents.ensureRegistration(eventsUrl);
        assert.ok(back.ok);
      }
    });

    void test("a certificate URL on a foreign origin is refused without being fetched, even for a body signed by its key", async () => {
      const foreign = await connectionCounter();
      try {
        const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const body = JSON.stringify({
          EventName: RESELLER_RELATIONSHIP_ACCEPTED,
          ResourceUri:
            "https://api.partnercenter.microsoft.com/v1/customers/11111111-2222-4333-8444-555555555555",
          ResourceName: "Customer",
          AuditUri: null,
          ResourceChangeUtcDate: new Date().toISOString(),
        });
        const signature = sign("sha256", Buffer.from(body), privateKey).toString("base64");
        const before = told.length;
        for (const certificateUrl of [
          `${foreign.origin}/cert/pcnotifications.microsoft.com.cer`,
          `${foreign.origin.replace("https:", "http:")}/cert.pem`,
          "https://3psostorageacct.blob.core.windows.net.evil.test/cert/pcnotifications.microsoft.com.cer",
        ]) {
          const res = await post(body, {
            "content-type": "application/json",
            authorization: `Signature ${signature}`,
            "x-ms-certificate-url": certificateUrl,
            "x-ms-signature-algorithm": "rsa-sha256",
          });
          assert.equal(res.statusCode, 401, res.body);
          assert.equal(res.json<ErrorBody>().error.code, "partner_center_event_certificate_refused");
        }
        assert.equal(foreign.counted.connections, 0, "nothing was fetched");
        assert.equal(told.length, before);
      } finally {
        await foreign.close();
      }
    });

    void test("a delivery without Partner Center's signature headers, or signed with rsa-sha1, is 401 saying what is missing", async () => {
      const body = JSON.stringify({ EventName: "test-created", ResourceUri: "https://x.test/y" });
      const cases: [Record<string, string>, RegExp][] = [
        [{ "content-type": "application/json" }, /no Authorization: Signature header/],
        [{ authorization: "Bearer pct_abc" }, /scheme is not Signature/],
        [
          {
            authorization: "Signature c2ln",
            "x-ms-certificate-url": `${emu.baseUrl}/_emulator/webhook-certificate`,
            "x-ms-signature-algorithm": "rsa-sha1",
          },
          /not rsa-sha256/,
        ],
        [
          { authorization: "Signature c2ln", "x-ms-signature-algorithm": "rsa-sha256" },
          /no X-MS-Certificate-Url header/,
        ],
      ];
      for (const [headers, why] of cases) {
        const res = await post(body, headers);
        assert.equal(res.statusCode, 401, res.body);
        const error = res.json<ErrorBody>().error;
        assert.equal(error.code, "partner_center_event_unsigned");
        assert.match(error.message, why);
      }
    });

    void test("the raw body stays to this route alone: other routes still parse JSON", async () => {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: "{not json",
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<ErrorBody>().error.code, "malformed_json");
    });
  });
}
