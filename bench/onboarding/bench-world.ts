import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { startEmulator, type DemoSeed, type RunningEmulator } from "../../src/emulator/index.ts";
import { createHttpClient, type HttpClient } from "../../src/integrations/http/index.ts";
import { createIntegrations, type OutboundObserver } from "../../src/main/microsoft.ts";
import { createModules, databaseOptions, openDatabase, type Modules } from "../../src/main/runtime.ts";
import type { Caller } from "../../src/modules/tenancy/index.ts";
import { systemClock } from "../../src/platform/clock.ts";
import { parseConfig } from "../../src/platform/config.ts";
import { hashPassword } from "../../src/platform/crypto.ts";
import type { Database } from "../../src/platform/db/open-database.ts";
import { scratchPostgres } from "./scratch-postgres.ts";

export type BenchWorld = {
  readonly emu: RunningEmulator;
  readonly seed: DemoSeed;
  /** A plain client for the emulator (control routes, the reference), outside what the observer hears. */
  readonly emulatorHttp: HttpClient;
  readonly database: Database;
  readonly modules: Modules;
  close(): Promise<void>;
};

const TokenAnswer = z.object({ refresh_token: z.string() });

function must<T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/**
 * A seeded emulator in this process, Partner Cloud's modules on a fresh database (PGlite under a temporary folder,
 * or a scratch database on the PostgreSQL server `databaseUrl` names), and the real adapters between them, which
 * report their traffic to `observer`. Partner Center keeps its 500 requests a minute; orders are provisioned after
 * `provisioningDelaySeconds` on the emulator's clock.
 */
export async function openBenchWorld(p: {
  observer: OutboundObserver;
  databaseUrl: string | undefined;
  poolSize: number;
  provisioningDelaySeconds: number;
}): Promise<BenchWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "pc-bench-onboarding-"));
  const emu = await startEmulator({
    dataDir: path.join(dir, "emulator"),
    port: 0,
    host: "127.0.0.1",
    partnerCenter: { provisioningDelaySeconds: p.provisioningDelaySeconds },
  });
  const seed = emu.seedDemo();
  if (!seed) throw new Error("a new emulator seeds its demo partner");
  const ca = readFileSync(emu.caPath, "utf8");
  const emulatorHttp = createHttpClient({ baseUrl: emu.baseUrl, ca });
  const signIn = await emulatorHttp.request({
    method: "POST",
    path: `/${seed.tenantId}/oauth2/v2.0/token`,
    form: {
      grant_type: "password",
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      username: seed.partnerAdmin.userName,
      password: seed.partnerAdmin.password,
      scope: "https://api.partnercenter.microsoft.com/.default offline_access",
    },
  });
  let refreshToken = TokenAnswer.parse(signIn.ok ? signIn.value.json : null).refresh_token;
  const built = createIntegrations(
    {
      loginUrl: emu.baseUrl,
      partnerCenterUrl: emu.baseUrl,
      graphUrl: emu.baseUrl,
      armUrl: emu.baseUrl,
      partnerCloudUrl: emu.baseUrl,
      adminCenterUrl: emu.baseUrl,
      ca,
      partnerTenantId: seed.tenantId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      refreshTokens: {
        current: () => Promise.resolve(refreshToken),
        rotated: (next) => {
          refreshToken = next;
          return Promise.resolve();
        },
      },
    },
    { clock: systemClock, observer: p.observer },
  );
  const scratch = p.databaseUrl ? await scratchPostgres(p.databaseUrl) : null;
  const config = parseConfig({
    DATA_DIR: path.join(dir, "product"),
    PUBLIC_URL: "http://localhost:8080",
    SECRETS_KEYS: `k1:${randomBytes(32).toString("base64")}`,
    LOG_LEVEL: "warn",
    ...(scratch ? { DATABASE_URL: scratch.url, DB_POOL_SIZE: String(p.poolSize) } : {}),
  });
  const database = await openDatabase(databaseOptions(config));
  const modules = createModules(database, config, systemClock, built.integrations);
  return {
    emu,
    seed,
    emulatorHttp,
    database,
    modules,
    async close() {
      built.close();
      emulatorHttp.close();
      await database.close();
      await scratch?.drop();
      await emu.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One organization ready to onboard: its administrator, a workspace and a connected billing account with terms. */
export type BenchOrg = {
  readonly index: number;
  readonly orgId: string;
  readonly workspaceId: string;
  readonly billingAccountId: string;
  readonly companyName: string;
  readonly admin: Caller;
};

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@bench.example" };
export const benchAddress = {
  addressLine1: "1 Canada Square",
  city: "London",
  postalCode: "E14 5AB",
  country: "GB",
};

/**
 * `n` organizations, each with an administrator, a cost center, a workspace and a billing account of its own: an
 * alias can be connected to one organization at a time, so each gets an eligible British sub-account of the
 * partner cloud's parent account, with an account administrator of its own, connected and its terms accepted.
 */
export async function createOrganizations(world: BenchWorld, n: number): Promise<BenchOrg[]> {
  const { tenancy, billingAccounts } = world.modules;
  const passwordHash = await hashPassword(randomBytes(12).toString("base64url"));
  const setup = must(
    await tenancy.setup.complete(
      { partnerName: "Bench Partner", name: "Operator", email: "op@bench.example", passwordHash },
      null,
    ),
  );
  const callerFor = async (userId: string): Promise<Caller> => {
    const principal = await tenancy.principalOf(userId);
    if (!principal) throw new Error(`no user ${userId}`);
    return { principal, actor: { userId, email: principal.email, kind: "user", requestId: "bench" } };
  };
  const operator = await callerFor(setup.userId);
  const orgs: BenchOrg[] = [];
  for (let index = 0; index < n; index++) {
    const label = String(index + 1).padStart(4, "0");
    const alias = `BN${label}`;
    const partnerCloudUser = { userName: `bench${label}`, password: randomBytes(12).toString("base64url") };
    world.emu.partnerCloud.addAccount({
      accountAlias: alias,
      parentAlias: world.seed.partnerCloud.accountAlias,
      businessName: `Bench Customer ${label}`,
      ...benchAddress,
      stateProvince: "England",
      status: "Active",
      isDemo: false,
      isInternal: false,
      isReseller: false,
      billingContactEmail: "billing@bench.example",
    });
    world.emu.partnerCloud.addUser({ ...partnerCloudUser, accountAlias: alias, roles: ["AccountAdmin"] });

    const org = must(await tenancy.organizations.create(operator, { name: `Bench Org ${label}` }));
    const cc = must(await tenancy.costCenters.create(operator, org.id, { name: "Main" }));
    const ws = must(
      await tenancy.workspaces.create(operator, org.id, { name: "Production", costCenterId: cc.id }),
    );
    const adminId = must(
      await tenancy.users.provision(operator, {
        orgId: org.id,
        email: `admin${label}@bench.example`,
        name: `Admin ${label}`,
        orgRole: "admin",
        passwordHash,
      }),
    ).id;
    const found = must(await billingAccounts.accounts.discover(operator, org.id, partnerCloudUser));
    const account = must(
      await billingAccounts.accounts.connect(operator, org.id, { ticket: found.ticket, accountAlias: alias }),
    );
    must(
      await billingAccounts.terms.accept(
        operator,
        account.id,
        { partnerTermsVersion: 1, customerAgreementVersion: 1, contact },
        { clientAddress: "127.0.0.1", userAgent: "onboarding-benchmark" },
      ),
    );
    orgs.push({
      index,
      orgId: org.id,
      workspaceId: ws.id,
      billingAccountId: account.id,
      companyName: `Bench Customer ${label}`,
      admin: await callerFor(adminId),
    });
  }
  return orgs;
}
