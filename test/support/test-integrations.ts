import { readFileSync } from "node:fs";
import type { DemoSeed, RunningEmulator } from "../../src/emulator/index.ts";
import { createIntegrations, type Integrations } from "../../src/main/microsoft.ts";
import type { Clock } from "../../src/platform/clock.ts";
import type { Logger } from "../../src/platform/log.ts";
import { emulatorClient } from "./emulator-client.ts";

/**
 * Partner Cloud's real adapters pointed at a test emulator as its demo partner, with the partner admin's refresh
 * token (for app+user calls) obtained through the password grant, as the embedded world does.
 */
export async function integrationsFor(
  /** Only where it answers and its CA are needed, so a worker process can connect to a test's emulator. */
  emu: Pick<RunningEmulator, "baseUrl" | "caPath">,
  seed: DemoSeed,
  clock: Clock,
  /** Where the adapters log their requests (tests read the lines back). */
  log?: Logger,
): Promise<{ integrations: Integrations; close: () => void }> {
  const answer = await emulatorClient(emu).request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
    form: {
      grant_type: "password",
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      username: seed.partnerAdmin.userName,
      password: seed.partnerAdmin.password,
      scope: "https://api.partnercenter.microsoft.com/.default offline_access",
    },
  });
  const issued = answer.body["refresh_token"];
  let refreshToken = typeof issued === "string" ? issued : "";
  return createIntegrations(
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
      refreshTokens: {
        current: () => Promise.resolve(refreshToken || undefined),
        rotated: (next) => {
          refreshToken = next;
          return Promise.resolve();
        },
      },
    },
    log ? { clock, log } : { clock },
  );
}
