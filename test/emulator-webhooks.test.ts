import assert from "node:assert/strict";
import { randomUUID, verify } from "node:crypto";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Received = { body: string; headers: http.IncomingHttpHeaders };

void describe("the emulated Partner Center's webhooks", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let token: string;
  let receiver: http.Server;
  let receiverUrl = "";
  const received: Received[] = [];
  let waiting: ((r: Received) => void) | null = null;

  const call = (method: string, pathname: string, json?: unknown) =>
    emulatorClient(emu).request(method, pathname, {
      json,
      headers: { authorization: `Bearer ${token}`, "ms-requestid": randomUUID() },
    });
  const next = () =>
    new Promise<Received>((resolve) => {
      const ready = received.shift();
      if (ready) resolve(ready);
      else waiting = resolve;
    });

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        res.writeHead(200).end();
        const r = { body, headers: req.headers };
        if (waiting) {
          const w = waiting;
          waiting = null;
          w(r);
        } else received.push(r);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const address = receiver.address();
    receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/partner-center-events`;
    ({ emu, seed } = await startSeededEmulator("emu-webhooks"));
    token = await emulatorClient(emu).token(seed, "https://api.partnercenter.microsoft.com/.default");
  });
  after(async () => {
    await emu.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  void test("a registration names a URL and known events; a bad one is refused naming the field", async () => {
    const bad = await call("POST", "/webhooks/v1/registration", {
      WebhookUrl: "not a url",
      WebhookEvents: ["no-such-event"],
    });
    assert.equal(bad.status, 400);
    assert.match(String(bad.body["description"]), /WebhookUrl/);
    assert.match(String(bad.body["description"]), /WebhookEvents/);
    const ok = await call("POST", "/webhooks/v1/registration", {
      WebhookUrl: receiverUrl,
      WebhookEvents: ["customer-created", "reseller-relationship-accepted-by-customer", "test-created"],
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await call("POST", "/webhooks/v1/registration", ok.body)).status, 409, "one per partner");
    const read = await call("GET", "/webhooks/v1/registration");
    assert.equal(read.body["WebhookUrl"], receiverUrl);
  });

  void test("a validation event and a new customer are delivered, signed so the receiver can check the body", async () => {
    const validation = await call("POST", "/webhooks/v1/registration/validationEvents");
    assert.ok(validation.body["correlationId"]);
    const test = await next();
    assert.equal((JSON.parse(test.body) as { EventName: string }).EventName, "test-created");

    const created = await call("POST", "/v1/customers", {
      companyProfile: { domain: "hookcustomer01.onmicrosoft.com" },
      billingProfile: {
        email: "ap@hook.example",
        culture: "en-US",
        language: "en",
        companyName: "Hook Customer",
        defaultAddress: {
          addressLine1: "1 Microsoft Way",
          city: "Redmond",
          state: "WA",
          postalCode: "98052",
          country: "US",
        },
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const event = await next();
    const parsed = JSON.parse(event.body) as { EventName: string; ResourceUri: string; ResourceName: string };
    assert.equal(parsed.EventName, "customer-created");
    assert.equal(parsed.ResourceName, "Customer");
    assert.match(parsed.ResourceUri, new RegExp(`/v1/customers/${String(created.body["id"])}$`));
    assert.equal(event.headers["x-ms-signature-algorithm"], "rsa-sha256");
    const signature = String(event.headers.authorization).replace(/^Signature /, "");
    const pem = (
      await fetchText(`${emu.baseUrl}/_emulator/webhook-certificate`, emulatorClient(emu).ca)
    ).trim();
    assert.ok(
      verify("sha256", Buffer.from(event.body), pem, Buffer.from(signature, "base64")),
      "signature holds",
    );
    assert.ok(
      !verify("sha256", Buffer.from(`${event.body} `), pem, Buffer.from(signature, "base64")),
      "and fails for another body",
    );
  });

  void test("a tenant accepting the partner's invitation announces reseller-relationship-accepted-by-customer", async () => {
    const tenant = emu.state.addTenant({ domain: "acceptor01.onmicrosoft.com", displayName: "Acceptor" });
    emu.state.addCustomer({
      id: tenant.id,
      commerceId: randomUUID(),
      partnerTenantId: seed.tenantId,
      companyName: "Acceptor",
      domain: tenant.domain,
      billingProfile: {},
      relationshipToPartner: "reseller",
      createdAt: new Date().toISOString(),
      origin: "invited",
    });
    const event = JSON.parse((await next()).body) as { EventName: string; ResourceUri: string };
    assert.equal(event.EventName, "reseller-relationship-accepted-by-customer");
    assert.match(event.ResourceUri, new RegExp(tenant.id));
    const log = await emulatorClient(emu).request(
      "GET",
      "/_emulator/webhook-deliveries?event=reseller-relationship-accepted-by-customer",
    );
    assert.equal((log.body["value"] as unknown[]).length, 1);
  });
});

async function fetchText(url: string, ca: string): Promise<string> {
  const https = await import("node:https");
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (r) => {
        let text = "";
        r.on("data", (c: Buffer) => (text += c.toString()));
        r.on("end", () => resolve(text));
      })
      .on("error", reject);
  });
}
