import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Fastify from "fastify";
import { armRoutes } from "./arm/arm-routes.ts";
import { armThrottleRoutes, createArmThrottle } from "./arm/throttle.ts";
import { installFaults } from "./control/faults.ts";
import { installObserver, type EmulatorObserver } from "./control/observer.ts";
import { entraRoutes } from "./entra/entra-routes.ts";
import { adminCenterRoutes } from "./admin-center/admin-center-routes.ts";
import { gdapRoutes } from "./graph/gdap-routes.ts";
import { openGdapStore } from "./graph/gdap-store.ts";
import { partnerCenterRoutes } from "./partner-center/partner-center-routes.ts";
import { billingRoutes } from "./partner-center/billing-routes.ts";
import { openInvoiceState } from "./partner-center/invoice-state.ts";
import { billingExportRoutes } from "./graph/billing-export-routes.ts";
import { openUsageWorld, usageControlRoutes } from "./usage/index.ts";
import type { PartnerCenterSettings } from "./partner-center/pc-context.ts";
import { partnerCloudRoutes } from "./partner-cloud/partner-cloud-routes.ts";
import { openPartnerCloudWorld, type PartnerCloudWorld } from "./partner-cloud/partner-cloud-world.ts";
import { loadSigningKey } from "./entra/signing-key.ts";
import { openEmulatorState, type EmulatorState } from "./state/emulator-state.ts";
import { openStore } from "./state/store.ts";
import { clockRoutes, createClock, type EmulatorClock } from "./control/clock.ts";
import { createScenarios, scenarioRoutes } from "./control/scenarios.ts";
import { subscriptionControlRoutes } from "./control/subscription-control.ts";
import { startMailCapture } from "./mail/mail-capture.ts";
import { webhookRoutes } from "./webhooks/webhook-routes.ts";
import { ensureTls } from "./tls/certificate-authority.ts";

export type EmulatorOptions = {
  dataDir: string;
  port: number;
  host: string;
  /** The captured mailbox's SMTP port; 0 (the default) picks a free one. */
  smtpPort?: number;
  /** Partner Center's provisioning delay and per-minute limit (defaults: 5 s, 500). */
  partnerCenter?: Partial<PartnerCenterSettings>;
};

export type DemoSeed = {
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  /** A Global Administrator of the partner tenant, for app+user tokens (the secure application model). */
  partnerAdmin: { userName: string; password: string };
  partnerCloud: { userName: string; password: string; accountAlias: string };
  /** The partner's own user of the top account that posts Partner Cloud's invoice lines. */
  partnerCloudBilling: { userName: string; password: string; accountAlias: string };
  /** A customer's own tenant to migrate under the partner: its Global Administrator accepts the invitation. */
  existingTenant: {
    domain: string;
    admin: { userName: string; password: string };
    subscriptions: { displayName: string; offer: string }[];
  };
};

export type RunningEmulator = {
  baseUrl: string;
  caPath: string;
  /** Where mail for the world's people is sent (captured, readable at `${baseUrl}/mailbox`). */
  smtpUrl: string;
  state: EmulatorState;
  clock: EmulatorClock;
  partnerCloud: PartnerCloudWorld;
  /** In-process only: records requests and holds one at a chosen moment (control/observer.ts), for tests. */
  observer: EmulatorObserver;
  /** Creates the demo partner tenant and its app on first use; the secret is new each time it is created. */
  seedDemo(): DemoSeed | null;
  close(): Promise<void>;
};

/**
 * The demo partner cloud: a US parent account with sub-accounts that each trip one eligibility rule (another
 * country, demo, internal, reseller), an account administrator, a viewer, and the partner's billing user that posts
 * invoice lines. Returns the administrator's and the billing user's passwords.
 */
function seedPartnerCloud(world: PartnerCloudWorld): { admin: string; billing: string } {
  const address = {
    addressLine1: "100 Main Street",
    city: "Seattle",
    stateProvince: "WA",
    postalCode: "98101",
  };
  const flags = { status: "Active" as const, isDemo: false, isInternal: false, isReseller: false };
  const accounts = [
    { accountAlias: "PCLD", parentAlias: null, businessName: "Contoso Manufacturing", country: "US" },
    { accountAlias: "PCUK", parentAlias: "PCLD", businessName: "Contoso UK", country: "GB" },
    { accountAlias: "PCCA", parentAlias: "PCLD", businessName: "Contoso Canada", country: "CA" },
    { accountAlias: "PCDE", parentAlias: "PCLD", businessName: "Contoso Germany", country: "DE" },
    { accountAlias: "PDMO", parentAlias: "PCLD", businessName: "Contoso Demo", country: "US", isDemo: true },
    {
      accountAlias: "PINT",
      parentAlias: "PCLD",
      businessName: "Contoso Staff",
      country: "US",
      isInternal: true,
    },
    {
      accountAlias: "PRSL",
      parentAlias: "PCLD",
      businessName: "Contoso Resale",
      country: "US",
      isReseller: true,
    },
  ];
  for (const a of accounts)
    world.addAccount({ ...address, ...flags, billingContactEmail: "billing@contoso.example", ...a });
  const password = randomBytes(12).toString("base64url");
  world.addUser({ userName: "pcadmin", password, accountAlias: "PCLD", roles: ["AccountAdmin"] });
  world.addUser({ userName: "pcviewer", password, accountAlias: "PCLD", roles: ["AccountViewer"] });
  const billing = randomBytes(12).toString("base64url");
  world.addUser({
    userName: "pcbilling",
    password: billing,
    accountAlias: "PCLD",
    roles: ["AccountAdmin", "BillingManager"],
  });
  return { admin: password, billing };
}

/**
 * The offline Microsoft world, over HTTPS with its own certificate authority, its state kept under `<dataDir>`:
 * Entra ID, Partner Center, Microsoft Graph, Azure Resource Manager and the partner cloud's API v2.
 */
export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const tls = ensureTls(path.join(opts.dataDir, "tls"));
  const store = openStore(opts.dataDir);
  const clock = createClock();
  const state = openEmulatorState(store, clock.now);
  const key = loadSigningKey(opts.dataDir);
  const partnerCloud = openPartnerCloudWorld(opts.dataDir);
  // HEAD on a resource group is ARM's existence check, not an automatic copy of GET.
  // ARM clients send "/{scope}/…" with a scope that starts with "/": ARM reads the double slash as one.
  const app = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: false,
    exposeHeadRoutes: false,
    routerOptions: { ignoreDuplicateSlashes: true },
  });
  let baseUrl = "";
  // Microsoft's services accept an empty body with a JSON content type (DELETE, HEAD); so does the emulator.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    try {
      done(null, text.trim() === "" ? undefined : (JSON.parse(text) as unknown));
    } catch {
      done(Object.assign(new Error("The request body is not valid JSON."), { statusCode: 400 }), undefined);
    }
  });
  // The observer goes first, so it sees each request before a fault or a handler acts on it.
  const observer = installObserver(app);
  installFaults(app);
  clockRoutes(app, clock);
  const scenarios = createScenarios(state, clock.now);
  scenarioRoutes(app, scenarios);
  subscriptionControlRoutes(app, state);
  webhookRoutes(app, {
    store,
    state,
    key,
    now: clock.now,
    baseUrl: () => baseUrl,
    caPem: fs.readFileSync(tls.caPath, "utf8"),
  });
  const mail = await startMailCapture(app, {
    store,
    host: opts.host,
    port: opts.smtpPort ?? 0,
    now: clock.now,
  });
  const entra = entraRoutes(app, { state, key, clock, baseUrl: () => baseUrl });
  const gdap = openGdapStore(store, clock);
  gdapRoutes(app, { state, key, gdap, baseUrl: () => baseUrl });
  adminCenterRoutes(app, { state, clock, entra, gdap, baseUrl: () => baseUrl });
  const armThrottle = createArmThrottle(clock);
  armThrottleRoutes(app, armThrottle);
  partnerCloudRoutes(app, { world: partnerCloud, baseUrl: () => baseUrl });
  const partnerCenter = partnerCenterRoutes(app, {
    state,
    key,
    clock,
    baseUrl: () => baseUrl,
    ...(opts.partnerCenter ? { settings: opts.partnerCenter } : {}),
  });
  armRoutes(app, { state, key, baseUrl: () => baseUrl, throttle: armThrottle, azurePlans: partnerCenter });
  const usage = openUsageWorld({ store, state, now: clock.now, azurePlanOf: partnerCenter.azurePlanOf });
  const invoices = openInvoiceState({ store, usage, now: clock.now });
  usageControlRoutes(app, { usage, now: clock.now });
  billingRoutes(app, { key, usage, invoices, now: clock.now, baseUrl: () => baseUrl });
  billingExportRoutes(app, { store, key, usage, invoices, now: clock.now, baseUrl: () => baseUrl });
  await app.listen({ port: opts.port, host: opts.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  baseUrl = `https://${opts.host === "0.0.0.0" ? "127.0.0.1" : opts.host}:${port}`;
  return {
    baseUrl,
    caPath: tls.caPath,
    smtpUrl: mail.smtpUrl,
    state,
    clock,
    partnerCloud,
    observer,
    seedDemo() {
      const domain = "contosopartner.onmicrosoft.com";
      if (state.tenant(domain)) return null;
      const tenant = state.addTenant({ domain, displayName: "Contoso Partner (demo)" });
      const clientSecret = randomBytes(24).toString("base64url");
      const registered = state.addApp({
        tenantId: tenant.id,
        displayName: "Partner Cloud",
        secret: clientSecret,
      });
      const subscription = state.addSubscription({ tenantId: tenant.id, displayName: "Partner Cloud demo" });
      const adminPassword = randomBytes(12).toString("base64url");
      const admin = state.addUser({
        tenantId: tenant.id,
        alias: "admin",
        displayName: "Partner Admin",
        password: adminPassword,
        roles: ["Global Administrator"],
      });
      const pcPassword = seedPartnerCloud(partnerCloud);
      const existing = scenarios.run({
        scenario: "existing-tenant",
        domainPrefix: "fabrikamdemo",
        companyName: "Fabrikam (demo)",
        subscriptions: [
          { displayName: "Fabrikam Production", offer: "PayAsYouGo" },
          { displayName: "Fabrikam Legacy", offer: "EnterpriseAgreement" },
        ],
        extraUsers: [],
      });
      const fabrikam = "tenant" in existing ? existing.tenant : undefined;
      if (!fabrikam) throw new Error("the demo's existing tenant could not be created");
      return {
        tenantId: tenant.id,
        tenantDomain: domain,
        clientId: registered.clientId,
        clientSecret,
        subscriptionId: subscription.subscriptionId,
        partnerAdmin: { userName: admin.userPrincipalName, password: adminPassword },
        partnerCloud: { userName: "pcadmin", password: pcPassword.admin, accountAlias: "PCLD" },
        partnerCloudBilling: { userName: "pcbilling", password: pcPassword.billing, accountAlias: "PCLD" },
        existingTenant: {
          domain: fabrikam.domain,
          admin: fabrikam.admin,
          subscriptions: fabrikam.subscriptions.map((x) => ({
            displayName: x.displayName,
            offer: x.offer,
          })),
        },
      };
    },
    async close() {
      await app.close();
      await mail.close();
      store.close();
    },
  };
}
