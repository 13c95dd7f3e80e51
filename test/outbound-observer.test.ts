import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { createHttpClient, type HttpExchange } from "../src/integrations/http/index.ts";
import { createIntegrations, type Integrations, type OutboundService } from "../src/main/microsoft.ts";
import { systemClock } from "../src/platform/clock.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Heard = { service: OutboundService; exchange: HttpExchange; store: string | undefined };

void describe("the outbound observer, against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let integrations: Integrations;
  let close: () => void;
  const lane = new AsyncLocalStorage<string>();
  const heard: Heard[] = [];
  const waits: { service: OutboundService; ms: number }[] = [];

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("outbound-observer"));
    ({ integrations, close } = createIntegrations(
      {
        loginUrl: emu.baseUrl,
        partnerCenterUrl: emu.baseUrl,
        graphUrl: emu.baseUrl,
        armUrl: emu.baseUrl,
        partnerCloudUrl: emu.baseUrl,
        adminCenterUrl: emu.baseUrl,
        ca: readFileSync(emu.caPath, "utf8"),
        partnerTenantId: seed.tenantId,
        clientId: seed.clientId,
        clientSecret: seed.clientSecret,
        refreshTokens: undefined,
      },
      {
        clock: systemClock,
        observer: {
          exchange: (service, exchange) => heard.push({ service, exchange, store: lane.getStore() }),
          waited: (service, ms) => waits.push({ service, ms }),
        },
      },
    ));
  });
  after(async () => {
    close();
    await emu.close();
  });
  beforeEach(() => {
    heard.length = 0;
    waits.length = 0;
  });

  void test("every request is told with its adapter, method, host, path without the query, status and duration", async () => {
    const found = await integrations.partnerCenter.findCustomersByDomain("contoso");
    assert.ok(found.ok);
    const token = heard.find((h) => h.service === "entra");
    assert.ok(token, "the token request is heard");
    assert.equal(token.exchange.method, "POST");
    assert.equal(token.exchange.path, `/${seed.tenantId}/oauth2/v2.0/token`);
    const search = heard.find((h) => h.service === "partner-center");
    assert.ok(search, "the Partner Center request is heard");
    assert.deepEqual(
      { ...search.exchange, ms: 0 },
      {
        method: "GET",
        host: new URL(emu.baseUrl).host,
        path: "/v1/customers",
        status: 200,
        error: null,
        ms: 0,
      },
    );
    assert.ok(search.exchange.ms > 0);
  });

  void test("Resource Manager requests sent by Microsoft's SDK are told as the adapter's own", async () => {
    const read = await integrations.azureResources(seed.tenantId).subscription(seed.subscriptionId);
    assert.ok(read.ok, JSON.stringify(read));
    const arm = heard.filter((h) => h.service === "arm");
    assert.equal(arm.length, 1);
    assert.equal(arm[0]?.exchange.method, "GET");
    assert.equal(arm[0]?.exchange.path.replace(/^\/+/, "/"), `/subscriptions/${seed.subscriptionId}`);
    assert.equal(arm[0]?.exchange.status, 200);
  });

  void test("the observer hears each request in its caller's asynchronous context", async () => {
    await Promise.all([
      lane.run("first", () => integrations.partnerCenter.isDomainAvailable("first.onmicrosoft.com")),
      lane.run("second", () => integrations.partnerCenter.isDomainAvailable("second.onmicrosoft.com")),
    ]);
    const domains = heard.filter((h) => h.exchange.path.startsWith("/v1/domains/"));
    assert.deepEqual(domains.map((h) => [h.exchange.path, h.store]).sort(), [
      ["/v1/domains/first.onmicrosoft.com", "first"],
      ["/v1/domains/second.onmicrosoft.com", "second"],
    ]);
  });

  void test("a throttled call is told twice, and the pause before its retry is told as a wait", async () => {
    await emulatorClient(emu).request("POST", "/_emulator/faults", {
      json: { route: "HEAD /v1/domains/:domain", kind: "status", status: 429, retryAfterSeconds: 1 },
    });
    const free = await integrations.partnerCenter.isDomainAvailable("throttled.onmicrosoft.com");
    assert.ok(free.ok);
    assert.deepEqual(
      heard.filter((h) => h.service === "partner-center").map((h) => h.exchange.status),
      [429, 404],
    );
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.service, "partner-center");
    assert.ok((waits[0]?.ms ?? 0) >= 990, JSON.stringify(waits));
  });

  void test("a request that got no answer is told with no status and why", async () => {
    const told: HttpExchange[] = [];
    const http = createHttpClient({ baseUrl: "https://127.0.0.1:1", observe: (e) => told.push(e) });
    const outcome = await http.request({ method: "GET", path: "/anything?secret=x" });
    http.close();
    assert.equal(outcome.ok, false);
    assert.equal(told.length, 1);
    assert.equal(told[0]?.status, null);
    assert.equal(told[0]?.error, "http_unreachable");
    assert.equal(told[0]?.path, "/anything");
  });

  void test("an observer that throws does not fail the request", async () => {
    const http = createHttpClient({
      baseUrl: emu.baseUrl,
      ca: readFileSync(emu.caPath, "utf8"),
      observe: () => {
        throw new Error("a broken metrics sink");
      },
    });
    const outcome = await http.request({ method: "GET", path: "/_emulator/clock" });
    http.close();
    assert.ok(outcome.ok);
    assert.equal(outcome.value.status, 200);
  });
});
