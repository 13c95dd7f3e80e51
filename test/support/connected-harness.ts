import { randomBytes } from "node:crypto";
import type { DestinationStream } from "pino";
import type { DemoSeed, RunningEmulator } from "../../src/emulator/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import type { Database } from "../../src/platform/db/open-database.ts";
import { createHarness, type Harness } from "./harness.ts";
import { startSeededEmulator } from "./seeded-emulator.ts";
import { integrationsFor } from "./test-integrations.ts";

/**
 * The real API on a real database, connected to a seeded emulator through the real adapters, with a fresh secrets
 * key: what tests need whose operations reach Microsoft or the partner cloud. `close` ends all of it. With
 * `logStream`, the API logs there (at LOG_LEVEL).
 */
export async function connectedHarness(
  name: string,
  database: Database,
  env: Record<string, string> = {},
  opts: { logStream?: DestinationStream } = {},
): Promise<{ h: Harness; emu: RunningEmulator; seed: DemoSeed; close: () => Promise<void> }> {
  const { emu, seed } = await startSeededEmulator(name);
  const built = await integrationsFor(emu, seed, systemClock);
  const h = await createHarness(
    database,
    {
      SECRETS_KEYS: `k1:${randomBytes(32).toString("base64")}`,
      // The partner's own partner-cloud identity, which posts invoice lines (the embedded world sets it likewise).
      PARTNER_CLOUD_BILLING_USER: seed.partnerCloudBilling.userName,
      PARTNER_CLOUD_BILLING_PASSWORD: seed.partnerCloudBilling.password,
      ...env,
    },
    { integrations: built.integrations, ...(opts.logStream ? { logStream: opts.logStream } : {}) },
  );
  return {
    h,
    emu,
    seed,
    async close() {
      await h.close();
      await h.database.close();
      built.close();
      await emu.close();
    },
  };
}

/** The seeded partner cloud administrator and the demo tenant's own app, for a world with a billing account and an Azure provider. */
export const worldConnections = (seed: DemoSeed) => ({
  partnerCloud: { userName: seed.partnerCloud.userName, password: seed.partnerCloud.password },
  azure: {
    tenant: seed.tenantDomain,
    subscriptionId: seed.subscriptionId,
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
  },
});
