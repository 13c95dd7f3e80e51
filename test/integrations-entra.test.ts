import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";
import { Writable } from "node:stream";
import pino from "pino";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import {
  createEntraTokenSource,
  microsoftResources,
  readTokenClaims,
  type EntraTokenSourceDeps,
} from "../src/integrations/entra/index.ts";
import { createHttpClient, type HttpClient } from "../src/integrations/http/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

const partnerCenter = microsoftResources.partnerCenter;
const tokenRoute = "POST /:tenant/oauth2/v2.0/token";

void describe("Entra ID token source against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let http: HttpClient;
  const logLines: string[] = [];

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("int-entra"));
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
  });
  afterEach(async () => {
    await emulatorClient(emu).request("DELETE", "/_emulator/faults");
  });
  after(async () => {
    http.close();
    await emu.close();
  });

  const waits: number[] = [];
  const tokenSource = (overrides: Partial<EntraTokenSourceDeps> = {}) =>
    createEntraTokenSource({
      http,
      partnerTenantId: seed.tenantId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      clock: systemClock,
      retry: {
        tools: {
          sleep: (ms) => {
            waits.push(ms);
            return Promise.resolve();
          },
        },
      },
      ...overrides,
    });

  const fault = (rule: Record<string, unknown>) =>
    emulatorClient(emu).request("POST", "/_emulator/faults", { json: rule });
  const faultUses = async (): Promise<number> => {
    const res = await emulatorClient(emu).request("GET", "/_emulator/faults");
    const rules = res.body["faults"] as { used: number }[];
    return rules.reduce((sum, r) => sum + r.used, 0);
  };

  void test("an app-only token for Partner Center names the partner tenant and our service principal", async () => {
    const result = await tokenSource().appToken(seed.tenantId, partnerCenter);
    assert.ok(result.ok, JSON.stringify(result));
    const claims = readTokenClaims(result.value.token);
    assert.equal(claims?.tid, seed.tenantId);
    assert.equal(claims?.aud, partnerCenter);
    assert.equal(claims?.idtyp, "app");
    assert.equal(claims?.oid, emu.state.app(seed.clientId)?.servicePrincipalId);
    assert.ok(result.value.expiresAt.getTime() > Date.now() + 50 * 60_000);
  });

  void test("twenty concurrent callers share one token request, and later callers are served from the cache", async () => {
    // A slow token endpoint keeps the first request in flight while the others arrive; the rule counts requests.
    await fault({ route: tokenRoute, kind: "latency", latencyMs: 300, times: 100 });
    const source = tokenSource();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => source.appToken(seed.tenantId, microsoftResources.graph)),
    );
    assert.equal(await faultUses(), 1);
    const tokens = new Set(results.map((r) => (r.ok ? r.value.token : "failed")));
    assert.equal(tokens.size, 1);
    assert.ok(!tokens.has("failed"));
    await source.appToken(seed.tenantId.toUpperCase(), microsoftResources.graph);
    assert.equal(await faultUses(), 1);
    await source.appToken(seed.tenantId, microsoftResources.resourceManager);
    assert.equal(await faultUses(), 2, "another resource needs its own token");
  });

  void test("a wrong client secret is a permanent bad-secret error carrying Entra's AADSTS code", async () => {
    const result = await tokenSource({ clientSecret: "not-the-secret" }).appToken(
      seed.tenantId,
      partnerCenter,
    );
    assert.ok(!result.ok);
    assert.equal(result.error.code, "entra_bad_client_secret");
    assert.equal(result.error.retryable, false);
    assert.deepEqual(result.error.details.errorCodes, [7000215]);
    assert.ok(!result.error.message.includes("not-the-secret"));
    assert.ok(!logLines.join("").includes("not-the-secret"));
  });

  void test("a tenant that never consented to the app is reported as such, an unknown tenant as unknown", async () => {
    const customer = emu.state.addTenant({
      domain: "fabrikam-noconsent.onmicrosoft.com",
      displayName: "Fabrikam",
    });
    const notConsented = await tokenSource().appToken(customer.id, partnerCenter);
    assert.ok(!notConsented.ok);
    assert.equal(notConsented.error.code, "entra_app_not_in_tenant");
    emu.state.grantConsent(seed.clientId, customer.id, [partnerCenter]);
    const consented = await tokenSource().appToken(customer.id, partnerCenter);
    assert.ok(consented.ok);
    const claims = readTokenClaims(consented.value.token);
    assert.equal(claims?.tid, customer.id);
    const app = emu.state.app(seed.clientId);
    assert.ok(app);
    assert.equal(claims.oid, emu.state.servicePrincipalIn(app, customer.id), "our service principal there");
    const unknown = await tokenSource().appToken("nobody.onmicrosoft.com", partnerCenter);
    assert.ok(!unknown.ok);
    assert.equal(unknown.error.code, "entra_unknown_tenant");
  });

  void test("a 429 from the token endpoint is retried after the Retry-After it carries", async () => {
    await fault({ route: tokenRoute, kind: "status", status: 429, retryAfterSeconds: 1 });
    waits.length = 0;
    const result = await tokenSource().appToken(seed.tenantId, partnerCenter);
    assert.ok(result.ok, JSON.stringify(result));
    assert.deepEqual(waits, [1000]);
  });

  void test("a token endpoint that keeps failing gives a retryable unavailable error after bounded attempts", async () => {
    await fault({ route: tokenRoute, kind: "status", status: 503, retryAfterSeconds: 0, times: 10 });
    waits.length = 0;
    const result = await tokenSource().appToken(seed.tenantId, partnerCenter);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "entra_unavailable");
    assert.equal(result.error.retryable, true);
    assert.equal(await faultUses(), 4);
    assert.equal(waits.length, 3);
  });

  void test("a connection cut after the work is an ambiguous timeout, and the token request is simply repeated", async () => {
    await fault({ route: tokenRoute, kind: "drop-after", times: 1 });
    const dropped = await http.request({
      method: "POST",
      path: `/${seed.tenantId}/oauth2/v2.0/token`,
      form: { grant_type: "client_credentials" },
    });
    assert.ok(!dropped.ok);
    assert.equal(dropped.error.code, "http_timeout");
    assert.equal(dropped.error.ambiguous, true);

    await fault({ route: tokenRoute, kind: "drop-after", times: 1 });
    const result = await tokenSource().appToken(seed.tenantId, partnerCenter);
    assert.ok(result.ok, JSON.stringify(result));
  });

  void test("an answer slower than the timeout is an ambiguous timeout, a closed port is unreachable and not ambiguous", async () => {
    await fault({ route: tokenRoute, kind: "latency", latencyMs: 1_000, times: 1 });
    const slow = await http.request({
      method: "POST",
      path: `/${seed.tenantId}/oauth2/v2.0/token`,
      form: { grant_type: "client_credentials" },
      timeoutMs: 200,
    });
    assert.ok(!slow.ok);
    assert.equal(slow.error.code, "http_timeout");
    assert.equal(slow.error.details.cause, "timeout");
    assert.equal(slow.error.ambiguous, true);

    const closed = createHttpClient({ baseUrl: "https://127.0.0.1:1", timeoutMs: 2_000 });
    const refused = await closed.request({ method: "GET", path: "/" });
    closed.close();
    assert.ok(!refused.ok);
    assert.equal(refused.error.code, "http_unreachable");
    assert.equal(refused.error.ambiguous, false);
  });

  void test("without a stored refresh token, an app+user token asks for a partner administrator's sign-in", async () => {
    const result = await tokenSource({
      refreshTokens: { current: () => Promise.resolve(undefined), rotated: () => Promise.resolve() },
    }).userToken(partnerCenter);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "entra_sign_in_required");
  });

  /** A partner administrator's refresh token, as the one-time sign-in of the secure application model leaves it. */
  async function adminRefreshToken(): Promise<string> {
    const res = await emulatorClient(emu).request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        scope: `${partnerCenter}/user_impersonation offline_access`,
      },
    });
    const token = res.body["refresh_token"];
    assert.equal(typeof token, "string", JSON.stringify(res.body));
    return String(token);
  }

  void test("an app+user token comes from the stored refresh token, and each rotated refresh token is handed over to be stored", async () => {
    let stored = await adminRefreshToken();
    const first = stored;
    const rotations: string[] = [];
    const source = tokenSource({
      refreshTokens: {
        current: () => Promise.resolve(stored),
        rotated: (token) => {
          rotations.push(token);
          stored = token;
          return Promise.resolve();
        },
      },
    });
    const pc = await source.userToken(partnerCenter);
    assert.ok(pc.ok, JSON.stringify(pc));
    const claims = readTokenClaims(pc.value.token);
    assert.equal(claims?.idtyp, "user");
    assert.equal(claims?.upn, seed.partnerAdmin.userName);
    assert.equal(claims?.aud, partnerCenter);
    assert.equal(rotations.length, 1);
    assert.notEqual(stored, first);

    const graph = await source.userToken(microsoftResources.graph);
    assert.ok(graph.ok, JSON.stringify(graph));
    assert.equal(readTokenClaims(graph.value.token)?.aud, microsoftResources.graph);
    assert.equal(rotations.length, 2, "the second exchange used, and replaced, the rotated token");
    const again = await source.userToken(partnerCenter);
    assert.ok(again.ok);
    assert.equal(again.value.token, pc.value.token, "served from the cache");
    assert.equal(rotations.length, 2);
  });

  void test("a refresh token Entra no longer accepts means a partner administrator must sign in again", async () => {
    const result = await tokenSource({
      refreshTokens: {
        current: () => Promise.resolve("revoked-or-expired"),
        rotated: () => Promise.resolve(),
      },
    }).userToken(partnerCenter);
    assert.ok(!result.ok);
    assert.equal(result.error.code, "entra_sign_in_required");
    assert.equal(result.error.retryable, false);
    assert.ok(!logLines.join("").includes("revoked-or-expired"));
  });

  void test("no log line carries the client secret, a token or an Authorization header", async () => {
    const source = tokenSource();
    const result = await source.appToken(seed.tenantId, partnerCenter);
    assert.ok(result.ok);
    const logged = logLines.join("");
    assert.ok(logged.includes("outbound request"), "requests are logged");
    assert.ok(!logged.includes(seed.clientSecret));
    assert.ok(!logged.includes(result.value.token));
    assert.ok(!/authorization/i.test(logged));
  });
});
