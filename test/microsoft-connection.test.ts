import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import pino from "pino";
import { startEmulator } from "../src/emulator/index.ts";
import { microsoftResources } from "../src/integrations/entra/index.ts";
import { connectMicrosoft } from "../src/main/microsoft.ts";
import { systemClock } from "../src/platform/clock.ts";
import { parseConfig } from "../src/platform/config.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";

const log = pino({ level: "silent" });
const tempDir = (name: string) => mkdtemp(path.join(os.tmpdir(), `pc-ms-${name}-`));

void describe("connecting Partner Cloud to Microsoft", () => {
  void test("with nothing configured, `start` runs the emulator inside the process, keeps the partner's secret encrypted and finds it again after a restart", async () => {
    const dataDir = await tempDir("embedded");
    const config = parseConfig({ DATA_DIR: dataDir, EMULATOR_PORT: "0" });
    const first = await connectMicrosoft(config, { embedded: true, clock: systemClock, log });
    try {
      assert.match(first.describe, /embedded emulator at https:\/\/127\.0\.0\.1:\d+/);
      const ms = first.integrations;
      assert.ok(ms);
      assert.ok((await ms.tokens.appToken(ms.partnerTenantId, microsoftResources.partnerCenter)).ok);
      const available = await ms.partnerCenter.isDomainAvailable("freshname01.onmicrosoft.com");
      assert.deepEqual(available, { ok: true, value: true });
      const link = await ms.partnerCenter.relationshipRequestLink();
      assert.ok(link.ok, "app+user calls work with the partner admin's stored refresh token");
      assert.match(link.value, /invType=ResellerRelationship/);
    } finally {
      await first.close();
    }
    const stored = readFileSync(path.join(dataDir, "emulator", "partner-app.json"), "utf8");
    assert.match(stored, /"clientSecret":"v1\./, "the client secret is stored encrypted");

    const second = await connectMicrosoft(config, { embedded: true, clock: systemClock, log });
    try {
      const ms = second.integrations;
      assert.ok(ms);
      assert.ok((await ms.tokens.appToken(ms.partnerTenantId, microsoftResources.partnerCenter)).ok);
    } finally {
      await second.close();
    }
  });

  void test("a server or worker process starts no emulator and says what to configure", async () => {
    const config = parseConfig({ DATA_DIR: await tempDir("server"), EMULATOR_PORT: "0" });
    const connection = await connectMicrosoft(config, { embedded: false, clock: systemClock, log });
    assert.equal(connection.integrations, null);
    assert.match(connection.describe, /MICROSOFT_LOGIN_URL/);
  });

  void test("configured endpoints and credentials are used as given: here a separately run emulator trusted through MICROSOFT_CA_FILE", async () => {
    const emu = await startEmulator({ dataDir: await tempDir("remote"), port: 0, host: "127.0.0.1" });
    try {
      const seed = emu.seedDemo();
      assert.ok(seed);
      const config = parseConfig({
        DATA_DIR: await tempDir("client"),
        MICROSOFT_LOGIN_URL: emu.baseUrl,
        PARTNER_CENTER_URL: emu.baseUrl,
        GRAPH_URL: emu.baseUrl,
        ARM_URL: emu.baseUrl,
        PARTNER_CLOUD_URL: emu.baseUrl,
        PARTNER_TENANT_ID: seed.tenantId,
        PARTNER_APP_CLIENT_ID: seed.clientId,
        PARTNER_APP_CLIENT_SECRET: seed.clientSecret,
        MICROSOFT_CA_FILE: emu.caPath,
      });
      const connection = await connectMicrosoft(config, { embedded: true, clock: systemClock, log });
      try {
        assert.match(connection.describe, new RegExp(`Microsoft: ${emu.baseUrl}`));
        const ms = connection.integrations;
        assert.ok(ms);
        const subscriptions = await ms.azureResources(seed.tenantId).subscriptions();
        assert.ok(subscriptions.ok);
        assert.deepEqual(
          subscriptions.value.map((s) => s.subscriptionId),
          [seed.subscriptionId],
        );
        const login = await ms.partnerCloud.login(seed.partnerCloud.userName, seed.partnerCloud.password);
        assert.ok(login.ok);
        const relationships = await ms.graph.relationships({});
        assert.deepEqual(relationships, { ok: true, value: [] });
      } finally {
        await connection.close();
      }
    } finally {
      await emu.close();
    }
  });

  void test("a customer's own application reads its subscription through ARM; a wrong secret is a sign-in failure", async () => {
    const { emu, seed } = await startSeededEmulator("ms-customer-app");
    const { integrations, close } = await integrationsFor(emu, seed, systemClock);
    try {
      const own = { tenant: seed.tenantDomain, clientId: seed.clientId, clientSecret: seed.clientSecret };
      const read = await integrations.customerAzure(own).subscription(seed.subscriptionId);
      assert.ok(read.ok, JSON.stringify(read));
      assert.equal(read.value.subscriptionId, seed.subscriptionId);
      const wrong = await integrations
        .customerAzure({ ...own, clientSecret: "not-the-secret" })
        .subscription(seed.subscriptionId);
      assert.ok(!wrong.ok);
      assert.equal(wrong.error.code, "azure_sign_in_failed");
    } finally {
      close();
      await emu.close();
    }
  });
});
