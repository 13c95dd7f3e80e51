import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { startEmulator, type RunningEmulator } from "../emulator/index.ts";
import {
  createAzureResources,
  createSubscriptionAliases,
  type AzureResources,
  type SubscriptionAliases,
} from "../integrations/arm/index.ts";
import {
  createEntraTokenSource,
  createPartnerAdminSignIn,
  microsoftResources,
  type PartnerAdminSignIn,
  type RefreshTokenStore,
  type TokenSource,
} from "../integrations/entra/index.ts";
import { createGraph, type Graph } from "../integrations/graph/index.ts";
import { createHttpClient, type HttpClient, type HttpExchange } from "../integrations/http/index.ts";
import {
  createPartnerCenter,
  createWebhookCertificates,
  type PartnerCenter,
  type WebhookCertificates,
} from "../integrations/partner-center/index.ts";
import { createPartnerCloudClient, type PartnerCloud } from "../integrations/partner-cloud/index.ts";
import type { Clock } from "../platform/clock.ts";
import { ConfigError, type Config } from "../platform/config.ts";
import type { Logger } from "../platform/log.ts";
import { loadSecretBox, type SecretBox } from "../platform/secrets.ts";

/** Where Microsoft and the partner cloud are, and who the partner's application is. */
export type MicrosoftEndpoints = {
  readonly loginUrl: string;
  readonly partnerCenterUrl: string;
  readonly graphUrl: string;
  readonly armUrl: string;
  readonly partnerCloudUrl: string;
  /** Where a customer's administrator approves a GDAP request (Microsoft 365 admin center). */
  readonly adminCenterUrl: string;
  readonly ca: string | undefined;
  readonly partnerTenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshTokens: RefreshTokenStore | undefined;
  /** The partner's MPA billing account name; the emulator accepts any, so the partner tenant id stands in. */
  readonly billingAccount?: string;
  /** The partner's own partner-cloud user that posts invoice lines, when the world provides one (embedded). */
  readonly partnerCloudBilling?: { readonly userName: string; readonly password: string };
};

/** Our ports to the outside world, built from configuration: what the automation of later modules uses. */
export type Integrations = {
  readonly tokens: TokenSource;
  /** The partner administrator's interactive sign-in that gives the refresh token behind app+user tokens. */
  readonly partnerAdminSignIn: PartnerAdminSignIn;
  readonly partnerCenter: PartnerCenter;
  /** Partner Center's base URL: its origin may serve the certificate its events are signed with. */
  readonly partnerCenterUrl: string;
  /** Downloads the certificate a Partner Center event delivery names. */
  readonly webhookCertificates: WebhookCertificates;
  readonly graph: Graph;
  readonly partnerCloud: PartnerCloud;
  /** The embedded world's partner-cloud billing user (configured ones come from PARTNER_CLOUD_BILLING_*). */
  readonly partnerCloudBilling?: { readonly userName: string; readonly password: string };
  /** Azure Resource Manager acting in one customer's tenant as Partner Cloud's application. */
  readonly azureResources: (customerTenantId: string) => AzureResources;
  /** Azure Resource Manager acting with a customer's own application (a provider that uses an existing account). */
  readonly customerAzure: (credentials: {
    tenant: string;
    clientId: string;
    clientSecret: string;
  }) => AzureResources;
  /** New Azure subscriptions under a customer's existing Azure plan (the ARM alias API). */
  readonly subscriptionAliases: SubscriptionAliases;
  readonly partnerTenantId: string;
  readonly clientId: string;
  readonly adminCenterUrl: string;
};

export type MicrosoftConnection = {
  readonly integrations: Integrations | null;
  /** True when this process runs the emulator itself (the embedded world). */
  readonly embedded: boolean;
  /** A line for the start-up banner: where Microsoft is, or why it is not connected. */
  readonly describe: string;
  close(): Promise<void>;
};

/** Where the embedded world's partner-cloud administrator sign-in is written, under `<DATA_DIR>/emulator`. */
export const PARTNER_CLOUD_ADMIN_FILE = "partner-cloud-admin.json";
/** Where the embedded world's existing customer tenant (to migrate) and its administrator's sign-in are written. */
export const EXISTING_TENANT_FILE = "existing-tenant-admin.json";

const EmbeddedPartner = z.object({
  tenantId: z.string(),
  clientId: z.string(),
  clientSecret: z.string(),
  refreshToken: z.string().nullable(),
  /** Worlds created before invoices were posted have none. */
  partnerCloudBilling: z.object({ userName: z.string(), password: z.string() }).optional(),
});

/**
 * The embedded world's partner: the emulator's demo partner tenant and application, created on first start. The
 * emulator keeps only a hash of the app's secret, so the product keeps the secret (and the partner admin's
 * refresh token for app+user calls) here, encrypted with the product's secret box.
 */
async function embeddedPartner(emu: RunningEmulator, dir: string, box: SecretBox) {
  const file = path.join(dir, "partner-app.json");
  const seeded = emu.seedDemo();
  if (seeded) {
    const refreshToken = await partnerAdminRefreshToken(emu, seeded);
    const stored = {
      tenantId: seeded.tenantId,
      clientId: seeded.clientId,
      clientSecret: box.encrypt(seeded.clientSecret),
      refreshToken: refreshToken ? box.encrypt(refreshToken) : null,
      partnerCloudBilling: {
        userName: seeded.partnerCloudBilling.userName,
        password: box.encrypt(seeded.partnerCloudBilling.password),
      },
    };
    fs.writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    // The emulated partner cloud's administrator, for "Connect a partner cloud account" in the console. It signs in
    // to the emulator only; the file is readable by this user alone, like the rest of the data folder's secrets.
    fs.writeFileSync(path.join(dir, PARTNER_CLOUD_ADMIN_FILE), JSON.stringify(seeded.partnerCloud, null, 2), {
      mode: 0o600,
    });
    // A customer's own tenant for "Migrate my account": its administrator accepts the partner's invitation.
    fs.writeFileSync(path.join(dir, EXISTING_TENANT_FILE), JSON.stringify(seeded.existingTenant, null, 2), {
      mode: 0o600,
    });
  }
  if (!fs.existsSync(file))
    throw new ConfigError(
      `The embedded Microsoft world in ${dir} has no partner credentials (${file} is missing). ` +
        "Remove that folder to create a new world, or set MICROSOFT_LOGIN_URL and the PARTNER_* keys.",
    );
  const stored = EmbeddedPartner.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  const reveal = (value: string) => {
    const plain = box.decrypt(value);
    if (!plain.ok) throw new ConfigError(`${file}: ${plain.error.message}`);
    return plain.value;
  };
  const refreshTokens: RefreshTokenStore = {
    current: () => Promise.resolve(stored.refreshToken ? reveal(stored.refreshToken) : undefined),
    rotated: (next) => {
      stored.refreshToken = box.encrypt(next);
      fs.writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
      return Promise.resolve();
    },
  };
  const billing = stored.partnerCloudBilling;
  return {
    ...stored,
    clientSecret: reveal(stored.clientSecret),
    refreshTokens,
    partnerCloudBilling: billing
      ? { userName: billing.userName, password: reveal(billing.password) }
      : undefined,
  };
}

/**
 * The partner admin's first sign-in, done for them in the embedded world (the password grant; with Microsoft, the
 * partner's admin signs in once through the browser and the refresh token is kept the same way).
 */
async function partnerAdminRefreshToken(
  emu: RunningEmulator,
  seed: NonNullable<ReturnType<RunningEmulator["seedDemo"]>>,
): Promise<string | null> {
  const http = createHttpClient({ baseUrl: emu.baseUrl, ca: fs.readFileSync(emu.caPath, "utf8") });
  try {
    const answer = await http.request({
      method: "POST",
      path: `/${seed.tenantId}/oauth2/v2.0/token`,
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        scope: `${microsoftResources.partnerCenter}/.default offline_access`,
      },
    });
    if (!answer.ok) return null;
    const token = z.object({ refresh_token: z.string() }).safeParse(answer.value.json);
    return token.success ? token.data.refresh_token : null;
  } finally {
    http.close();
  }
}

/**
 * The partner administrator's own sign-in when there is one, else the embedded world's: a rotated token goes back
 * to the store it was read from.
 */
function signedInFirst(signedIn: RefreshTokenStore, fallback: RefreshTokenStore): RefreshTokenStore {
  let from = fallback;
  return {
    async current() {
      const own = await signedIn.current();
      from = own ? signedIn : fallback;
      return own ?? fallback.current();
    },
    rotated: (next) => from.rotated(next),
  };
}

/**
 * Connects Partner Cloud to Microsoft and the partner cloud. Configured URLs point at the real services; with
 * none set, `pcloud start` runs the emulator inside the process (its world under `<DATA_DIR>/emulator`, on
 * EMULATOR_PORT) and uses its demo partner. Server and worker processes of a scale-out never start an emulator:
 * they are connected only when the URLs and credentials are configured (point them at `pcloud emulator` to
 * try a scale-out offline).
 */
export async function connectMicrosoft(
  config: Config,
  deps: {
    embedded: boolean;
    clock: Clock;
    log: Logger;
    /**
     * The partner administrator's sign-in kept in the database (modules/microsoft-connection): the refresh token
     * of app+user calls with configured endpoints; in the embedded world it is preferred once someone signed in.
     */
    refreshTokens?: RefreshTokenStore;
  },
): Promise<MicrosoftConnection> {
  const ms = config.microsoft;
  const configured = [ms.loginUrl, ms.partnerCenterUrl, ms.graphUrl, ms.armUrl, config.partnerCloud.url];
  let emulator: RunningEmulator | null = null;
  let endpoints: MicrosoftEndpoints;
  if (configured.every((u) => u !== undefined) && ms.partnerTenantId && ms.clientId && ms.clientSecret) {
    endpoints = {
      loginUrl: ms.loginUrl ?? "",
      partnerCenterUrl: ms.partnerCenterUrl ?? "",
      graphUrl: ms.graphUrl ?? "",
      armUrl: ms.armUrl ?? "",
      partnerCloudUrl: config.partnerCloud.url ?? "",
      adminCenterUrl: ms.adminCenterUrl ?? "https://admin.microsoft.com",
      ca: ms.caFile ? fs.readFileSync(ms.caFile, "utf8") : undefined,
      partnerTenantId: ms.partnerTenantId,
      clientId: ms.clientId,
      clientSecret: ms.clientSecret,
      refreshTokens: deps.refreshTokens,
      ...(ms.billingAccount ? { billingAccount: ms.billingAccount } : {}),
    };
  } else if (deps.embedded) {
    const dir = path.join(config.dataDir, "emulator");
    emulator = await startEmulator({ dataDir: dir, port: config.emulatorPort, host: "127.0.0.1" }).catch(
      (e: NodeJS.ErrnoException) => {
        if (e.code === "EADDRINUSE")
          throw new ConfigError(
            `EMULATOR_PORT: port ${config.emulatorPort} is taken; choose another (0 picks a free one).`,
          );
        throw e;
      },
    );
    const partner = await embeddedPartner(emulator, dir, loadSecretBox(config).box);
    const base = emulator.baseUrl;
    endpoints = {
      loginUrl: ms.loginUrl ?? base,
      partnerCenterUrl: ms.partnerCenterUrl ?? base,
      graphUrl: ms.graphUrl ?? base,
      armUrl: ms.armUrl ?? base,
      partnerCloudUrl: config.partnerCloud.url ?? base,
      adminCenterUrl: ms.adminCenterUrl ?? base,
      ca: fs.readFileSync(ms.caFile ?? emulator.caPath, "utf8"),
      partnerTenantId: partner.tenantId,
      clientId: partner.clientId,
      clientSecret: partner.clientSecret,
      refreshTokens: deps.refreshTokens
        ? signedInFirst(deps.refreshTokens, partner.refreshTokens)
        : partner.refreshTokens,
      ...(partner.partnerCloudBilling ? { partnerCloudBilling: partner.partnerCloudBilling } : {}),
    };
  } else {
    return {
      integrations: null,
      embedded: false,
      describe:
        "Microsoft: not connected (set MICROSOFT_LOGIN_URL, PARTNER_CENTER_URL, GRAPH_URL, ARM_URL, PARTNER_CLOUD_URL and the PARTNER_* keys)",
      close: () => Promise.resolve(),
    };
  }

  const { integrations, close: closeClients } = createIntegrations(endpoints, deps);
  const probe = await integrations.tokens.appToken(
    endpoints.partnerTenantId,
    microsoftResources.partnerCenter,
  );
  if (!probe.ok)
    deps.log.warn({ code: probe.error.code }, `Microsoft sign-in failed: ${probe.error.message}`);
  const running = emulator;
  return {
    integrations,
    embedded: running !== null,
    describe: running
      ? `Microsoft: the embedded emulator at ${running.baseUrl} (partner tenant ${endpoints.partnerTenantId}; mailbox ${running.baseUrl}/mailbox)\n` +
        `Partner cloud: emulated; its account administrator's sign-in is in ${path.join(config.dataDir, "emulator", PARTNER_CLOUD_ADMIN_FILE)}\n` +
        `A tenant to migrate (option 2) and its administrator's sign-in: ${path.join(config.dataDir, "emulator", EXISTING_TENANT_FILE)}`
      : `Microsoft: ${endpoints.loginUrl} (partner tenant ${endpoints.partnerTenantId})`,
    async close() {
      closeClients();
      if (running) await running.close();
    },
  };
}

/** Which adapter a request or a wait belongs to: a label that holds whatever host the service answers on. */
export type OutboundService = "entra" | "partner-center" | "graph" | "arm" | "partner-cloud";

/**
 * What the adapters tell about their traffic, for metrics and benchmarks: every request with its outcome and
 * duration, and every pause an adapter takes before calling a service again (a rate-limit budget, a Retry-After, a
 * backoff, an operation's poll interval). Both are told in the caller's asynchronous context.
 */
export type OutboundObserver = {
  readonly exchange?: (service: OutboundService, exchange: HttpExchange) => void;
  readonly waited?: (service: OutboundService, ms: number) => void;
};

/** Our adapters for the given endpoints and partner application; `close` ends their connections. */
export function createIntegrations(
  endpoints: MicrosoftEndpoints,
  deps: { clock: Clock; log?: Logger; observer?: OutboundObserver },
): { integrations: Integrations; close: () => void } {
  const { exchange, waited } = deps.observer ?? {};
  const observe = (service: OutboundService) =>
    exchange ? (e: HttpExchange) => exchange(service, e) : undefined;
  const retry = (service: OutboundService) =>
    waited
      ? {
          retry: {
            tools: {
              sleep: async (ms: number) => {
                const started = performance.now();
                await new Promise((resolve) => setTimeout(resolve, ms));
                waited(service, performance.now() - started);
              },
            },
          },
        }
      : {};
  const clients: HttpClient[] = [];
  const client = (service: OutboundService, baseUrl: string) => {
    const c = createHttpClient({
      baseUrl,
      ca: endpoints.ca,
      observe: observe(service),
      ...(deps.log ? { log: deps.log } : {}),
    });
    clients.push(c);
    return c;
  };
  const login = client("entra", endpoints.loginUrl);
  const webhookCertificates = createWebhookCertificates({ ca: endpoints.ca });
  const tokens = createEntraTokenSource({
    http: login,
    partnerTenantId: endpoints.partnerTenantId,
    clientId: endpoints.clientId,
    clientSecret: endpoints.clientSecret,
    clock: deps.clock,
    refreshTokens: endpoints.refreshTokens,
    ...retry("entra"),
  });
  const integrations: Integrations = {
    tokens,
    partnerAdminSignIn: createPartnerAdminSignIn({
      http: login,
      partnerTenantId: endpoints.partnerTenantId,
      clientId: endpoints.clientId,
      clientSecret: endpoints.clientSecret,
    }),
    partnerCenter: createPartnerCenter({
      http: client("partner-center", endpoints.partnerCenterUrl),
      tokens,
      partnerTenantId: endpoints.partnerTenantId,
      clock: deps.clock,
      ...retry("partner-center"),
    }),
    partnerCenterUrl: endpoints.partnerCenterUrl,
    webhookCertificates,
    graph: createGraph({
      http: client("graph", endpoints.graphUrl),
      tokens,
      partnerTenantId: endpoints.partnerTenantId,
      clock: deps.clock,
      blobCa: endpoints.ca,
      ...retry("graph"),
    }),
    partnerCloud: createPartnerCloudClient({
      http: client("partner-cloud", endpoints.partnerCloudUrl),
      clock: deps.clock,
      ...retry("partner-cloud"),
    }),
    azureResources: (customerTenantId) =>
      createAzureResources({
        endpoint: endpoints.armUrl,
        ca: endpoints.ca,
        tokens,
        tenantId: customerTenantId,
        clock: deps.clock,
        observe: observe("arm"),
      }),
    customerAzure: ({ tenant, clientId, clientSecret }) =>
      createAzureResources({
        endpoint: endpoints.armUrl,
        ca: endpoints.ca,
        tokens: createEntraTokenSource({
          http: login,
          partnerTenantId: tenant,
          clientId,
          clientSecret,
          clock: deps.clock,
          ...retry("entra"),
        }),
        tenantId: tenant,
        clock: deps.clock,
        observe: observe("arm"),
      }),
    subscriptionAliases: createSubscriptionAliases({
      http: client("arm", endpoints.armUrl),
      tokens,
      partnerTenantId: endpoints.partnerTenantId,
      billingAccountName: endpoints.billingAccount ?? endpoints.partnerTenantId,
      clock: deps.clock,
    }),
    partnerTenantId: endpoints.partnerTenantId,
    clientId: endpoints.clientId,
    adminCenterUrl: endpoints.adminCenterUrl,
    ...(endpoints.partnerCloudBilling ? { partnerCloudBilling: endpoints.partnerCloudBilling } : {}),
  };
  return {
    integrations,
    close() {
      for (const c of clients) c.close();
      webhookCertificates.close();
    },
  };
}
