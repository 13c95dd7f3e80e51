import type { RunningEmulator } from "../../src/emulator/index.ts";
import { must, type Harness } from "./harness.ts";
import { emulatorClient } from "./emulator-client.ts";
import type { World } from "./world.ts";

export const ukAddress = {
  addressLine1: "1 Canada Square",
  city: "London",
  postalCode: "E14 5AB",
  country: "GB",
};
export const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@contoso.example" };

/** Connects a partner-cloud account to the organization (or cost center) and accepts the current terms for it. */
export async function billingAccountWithTerms(
  h: Harness,
  w: World,
  p: {
    userName: string;
    password: string;
    alias: string;
    orgId?: string;
    costCenterId?: string;
    terms?: boolean;
  },
): Promise<string> {
  const accounts = h.modules.billingAccounts.accounts;
  const orgId = p.orgId ?? w.orgA.id;
  const found = must(
    await accounts.discover(w.operator, orgId, { userName: p.userName, password: p.password }),
  );
  const id = must(
    await accounts.connect(w.operator, orgId, {
      ticket: found.ticket,
      accountAlias: p.alias,
      ...(p.costCenterId ? { costCenterId: p.costCenterId } : {}),
    }),
  ).id;
  if (p.terms !== false)
    must(
      await h.modules.billingAccounts.terms.accept(
        w.operator,
        id,
        {
          partnerTermsVersion: 1,
          customerAgreementVersion: 1,
          contact,
        },
        { clientAddress: "127.0.0.1", userAgent: "onboarding-test" },
      ),
    );
  return id;
}

/** Provisioning in the emulator happens at once, so a run's waits end at their next look. */
export async function instantProvisioning(emu: RunningEmulator): Promise<void> {
  await emulatorClient(emu).request("PUT", "/_emulator/partner-center/settings", {
    json: { provisioningDelaySeconds: 0 },
  });
}

/**
 * Drives every due run to its end the way workers would, moving the fake clock past each wait; returns how many
 * rounds it took. Stops when nothing is due and nothing waits any more.
 */
export async function driveRuns(h: Harness, maxRounds = 200): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    await h.modules.onboarding.runDue();
    const active = await h.modules.onboarding.engine.runsIn(["queued", "running", "compensating"]);
    if (active.length === 0) return round;
    h.clock.advance(15_000);
  }
  throw new Error(`runs still active after ${maxRounds} rounds`);
}
