import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { backends } from "./support/databases.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import type { Harness } from "./support/harness.ts";
import { addOrganization, createProvider, providerOf } from "./support/onboarding-reliability.ts";
import { driveRuns, instantProvisioning } from "./support/onboarding-world.ts";
import { createWorld, type World } from "./support/world.ts";

const RUNS = 20;
/**
 * One database is enough: the question is what the create step does with Partner Center's answers, and the time goes
 * to the adapter's own Partner Center rate limit (300 a minute), not to the database. PostgreSQL when there is one.
 */
const backend = backends().at(-1);

if (backend)
  void describe(`W3: an ambiguous customer creation without server-side idempotency, on ${backend.name}`, () => {
    let h: Harness;
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let w: World;
    let close: () => Promise<void>;
    const control = (method: string, pathname: string, json?: unknown) =>
      emulatorClient(emu).request(method, pathname, { json });

    before(async () => {
      ({ h, emu, seed, close } = await connectedHarness(`w3-${backend.name}`, await backend.open()));
      await instantProvisioning(emu);
      w = await createWorld(h);
      const settings = await control("PUT", "/_emulator/partner-center/settings", {
        honourRequestIds: false,
      });
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
    });
    after(() => close());

    void test(`${RUNS} runs whose creation is acted on but never answered each end with exactly one customer`, async () => {
      const recorder = emu.observer.record();
      for (let i = 0; i < RUNS; i++) {
        const org = await addOrganization({ h, w, emu, seed }, `w3${backend.name.slice(0, 2)}${i}`);
        const { providerId } = await createProvider({ h }, org, "Azure");
        // Partner Center creates the customer, then the connection is cut before its answer: the adapter's repeat,
        // with the same MS-RequestId, finds the domain taken, since this Partner Center does not replay the answer.
        const fault = await control("POST", "/_emulator/faults", {
          route: "POST /v1/customers",
          kind: "drop-after",
          times: 1,
        });
        assert.equal(fault.status, 201);
        await driveRuns(h);
        const provider = await providerOf({ h, w }, providerId);
        assert.equal(provider.state, "ready", `run ${i}: ${provider.failureReason ?? ""}`);
        const customers = emu.state
          .customersOf(seed.tenantId)
          .filter((c) => c.domain === `${org.domainPrefix}.onmicrosoft.com`);
        assert.equal(customers.length, 1, `run ${i}: one customer for ${org.domainPrefix}`);
        assert.equal(provider.azure.tenantId, customers[0]?.id);
        const card = await h.modules.onboarding.azureCustomer(w.operator, org.orgId);
        assert.ok(card.ok);
        // The administrator's one-time password was in the answer that was lost; Partner Center gives it once.
        assert.equal(card.value.credentials, "unavailable");
      }
      recorder.stop();
      const creates = recorder.requests.filter((r) => r.route === "POST /v1/customers");
      assert.ok(
        creates.length >= 2 * RUNS,
        `every run sent its create again after the cut connection (${creates.length} creates)`,
      );
    });
  });
