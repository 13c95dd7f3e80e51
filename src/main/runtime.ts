import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp, logSerializers } from "../api/app.ts";
import type { App } from "../api/context.ts";
import { createSmtpMailer, startCapturedMailbox, type Mailer } from "../integrations/mail/index.ts";
import { createAuditLog } from "../modules/audit/index.ts";
import { createBillingAccounts } from "../modules/billing-accounts/index.ts";
import { createBillingUsage } from "../modules/billing/usage/index.ts";
import { createBillingPricing } from "../modules/billing/pricing/index.ts";
import { createBillingRating } from "../modules/billing/rating/index.ts";
import { createInvoicing } from "../modules/billing/invoicing/index.ts";
import { createScopedEstimates, scopeDirectory } from "../modules/billing/estimates/index.ts";
import { createGovernance } from "../modules/governance/index.ts";
import { createIdentity } from "../modules/identity/index.ts";
import { CALLBACK_PATH, createMicrosoftConnection } from "../modules/microsoft-connection/index.ts";
import { createNotifications } from "../modules/notifications/index.ts";
import { createOnboarding } from "../modules/onboarding/index.ts";
import { createPartnerCenterEvents } from "../modules/partner-center-events/index.ts";
import { createProviders } from "../modules/providers/index.ts";
import { createTenancy } from "../modules/tenancy/index.ts";
import { createWebhooks } from "../modules/webhooks/index.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import type { Config } from "../platform/config.ts";
import { dummyPasswordHash, verifyPassword } from "../platform/crypto.ts";
import { openDatabase, type Database, type DatabaseOptions } from "../platform/db/open-database.ts";
import { loggerOptions } from "../platform/log.ts";
import type { DestinationStream } from "pino";
import { loadSecretBox, type SecretBox } from "../platform/secrets.ts";
import type { Integrations } from "./microsoft.ts";
import { resellerRelationshipAccepted } from "./partner-center-events.ts";

export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../dist/web");

export function databaseOptions(config: Config): DatabaseOptions {
  return config.databaseUrl
    ? { kind: "postgres", url: config.databaseUrl, poolSize: config.dbPoolSize }
    : { kind: "pglite", dataDir: config.dataDir };
}

/**
 * The modules wired to one database: what both the server and the worker need. `integrations` are our ports to
 * Microsoft and the partner cloud, or null when this process is not connected to them.
 */
export function createModules(
  database: Database,
  config: Config,
  clock: Clock = systemClock,
  integrations: Integrations | null = null,
  opts: { random?: () => number } = {},
) {
  const { db } = database;
  const audit = createAuditLog({ db, clock });
  const notifications = createNotifications({ db, clock });
  const tenancy = createTenancy({
    db,
    audit,
    notifications,
    clock,
    publicUrl: config.publicUrl,
    invitationTtlHours: config.invitationTtlHours,
  });
  const identity = createIdentity({
    db,
    clock,
    audit,
    policy: {
      idleMinutes: config.sessionIdleMinutes,
      absoluteHours: config.sessionAbsoluteHours,
      loginMaxFailures: config.loginMaxFailures,
      loginWindowMinutes: config.loginWindowMinutes,
      invitationMaxFailures: config.invitationMaxFailures,
    },
    credentials: (email) => tenancy.users.credentialsByEmail(email),
  });
  let secretBox: SecretBox | undefined;
  const billingAccounts = createBillingAccounts({
    db,
    audit,
    clock,
    partnerCloud: integrations ? integrations.partnerCloud : null,
    // Loaded on first use: only connecting a partner cloud account needs the key.
    secrets: () => (secretBox ??= loadSecretBox(config).box),
    costCenters: tenancy.costCenters,
    organizations: tenancy.organizations,
  });
  const providers = createProviders({
    db,
    audit,
    clock,
    workspaces: tenancy.workspaces,
    customerAzure: integrations ? integrations.customerAzure : null,
    // Loaded on first use: only storing or reading a provider's client secret needs the key.
    secrets: () => (secretBox ??= loadSecretBox(config).box),
    newCustomer: () => onboarding.newCustomer,
    migrateTenant: () => onboarding.migrateTenant,
  });
  billingAccounts.registerUsageCheck((id) => providers.usersOfBillingAccount(id));
  const webhooks = createWebhooks({
    db,
    clock,
    audit,
    // Loaded on first use: only creating an endpoint, rolling its secret or delivering needs the key.
    secrets: () => (secretBox ??= loadSecretBox(config).box),
    organizations: tenancy.organizations,
  });
  // Drift checks are not scheduled here: a worker starts them with governance.drift?.startSchedule(...).
  const governance = createGovernance({
    db,
    audit,
    clock,
    managedSubscriptions: () => onboarding.managedSubscriptions(),
    azureResources: integrations ? integrations.azureResources : null,
  });
  // The onboarding workflows and their engine; worker processes drive it (processes.ts).
  const onboarding = createOnboarding({
    db,
    clock,
    audit,
    secrets: () => (secretBox ??= loadSecretBox(config).box),
    microsoft: integrations,
    billing: {
      account: (id) => billingAccounts.accounts.accountOf(id),
      checkEligibility: (id, actor) => billingAccounts.checkEligibility(id, actor),
      acceptance: (id) => billingAccounts.terms.currentAcceptanceOf(id),
    },
    providers: () => providers.lifecycle,
    allowedServices: () => ({ resolve: (presetId) => governance.resolvePreset(presetId) }),
    webhooks: () => webhooks,
    mail: notifications,
    migration: { ...config.migration, publicUrl: config.publicUrl },
    names: async (orgId) => ({
      partnerName: (await tenancy.setup.status()).partnerName ?? "Your cloud partner",
      organizationName: (await tenancy.organizations.nameOf(orgId)) ?? "your organization",
    }),
    reauthenticate: async (caller, password) => {
      const cred = await tenancy.users.credentialsByEmail(caller.principal.email);
      return verifyPassword(password, cred?.passwordHash ?? dummyPasswordHash);
    },
    ...(opts.random ? { random: opts.random } : {}),
  });
  // The partner administrator's sign-in for app+user calls; its refresh token store is made in processes.ts.
  const microsoftConnection = createMicrosoftConnection({
    db,
    clock,
    audit,
    secrets: () => (secretBox ??= loadSecretBox(config).box),
    microsoft: integrations
      ? {
          partnerTenantId: integrations.partnerTenantId,
          tokens: integrations.tokens,
          signIn: integrations.partnerAdminSignIn,
        }
      : null,
    redirectUri: `${config.publicUrl}${CALLBACK_PATH}`,
    isOperator: async (userId) => {
      const p = await tenancy.principalOf(userId);
      return p !== null && p.isOperator && p.status === "active";
    },
  });
  // Partner Center's events: a faster signal than polling for the migrations waiting on a customer's acceptance.
  const partnerCenterEvents = createPartnerCenterEvents({
    db,
    audit,
    clock,
    partnerCenter: integrations
      ? {
          api: integrations.partnerCenter,
          baseUrl: integrations.partnerCenterUrl,
          certificates: integrations.webhookCertificates,
        }
      : null,
    onResellerRelationshipAccepted: resellerRelationshipAccepted(onboarding),
  });
  // Microsoft's daily rated usage: files imported by operators, pulls scheduled by a worker (processes.ts).
  const billingUsage = createBillingUsage({
    db,
    clock,
    audit,
    dialect: database.kind,
    source: config.usage.source,
    microsoft: integrations ? { partnerCenter: integrations.partnerCenter, graph: integrations.graph } : null,
  });
  // Usage routed to billing accounts and rated at the partner's prices; the partner's price plans, rates and policy.
  const billingRating = createBillingRating({
    db,
    audit,
    clock,
    billingAccounts: { accountOf: (id) => billingAccounts.accounts.accountOf(id) },
    billedProviders: () => providers.billedProviders(),
    managedSubscriptions: () => onboarding.managedSubscriptions(),
  });
  const billingPricing = createBillingPricing({
    db,
    audit,
    clock,
    rating: billingRating,
    organizations: { nameOf: (id) => tenancy.organizations.nameOf(id) },
  });
  // Invoices of billing accounts from the rated usage, and their posting to the partner cloud.
  const invoicing = createInvoicing({
    db,
    clock,
    audit,
    rating: billingRating,
    settings: () => billingPricing.settings.current(),
    billingAccountOf: (id) => billingAccounts.accounts.accountOf(id),
    partnerCloud: integrations ? integrations.partnerCloud : null,
    billingUser: () => config.partnerCloud.billingUser ?? integrations?.partnerCloudBilling ?? null,
  });
  // Month-to-date and month-end estimates of billing accounts, organizations, cost centers and providers.
  const estimates = createScopedEstimates({
    rating: billingRating,
    clock,
    ...scopeDirectory({
      accountOf: (id) => billingAccounts.accounts.accountOf(id),
      connectedAccounts: (filter) => billingAccounts.accounts.connectedAccounts(filter),
      costCenterOrg: async (caller, id) => {
        const found = await tenancy.costCenters.get(caller, id);
        return found.ok ? found.value.orgId : null;
      },
      billedProviders: () => providers.billedProviders(),
      managedSubscriptions: () => onboarding.managedSubscriptions(),
    }),
  });
  return {
    audit,
    notifications,
    estimates,
    tenancy,
    identity,
    integrations,
    providers,
    billingAccounts,
    onboarding,
    webhooks,
    governance,
    microsoftConnection,
    partnerCenterEvents,
    billingRating,
    billingPricing,
    invoicing,
    billingUsage,
  };
}

export type Modules = ReturnType<typeof createModules>;

export async function createHttpApp(
  database: Database,
  modules: Modules,
  config: Config,
  opts: {
    clock?: Clock;
    mailboxDir: string | null;
    log: boolean;
    /** Where log lines go instead of standard output (tests read them back). */
    logStream?: DestinationStream;
  },
): Promise<App> {
  return buildApp(
    {
      config,
      clock: opts.clock ?? systemClock,
      tenancy: modules.tenancy,
      identity: modules.identity,
      audit: modules.audit,
      billingAccounts: modules.billingAccounts,
      providers: modules.providers,
      onboarding: modules.onboarding,
      governance: modules.governance,
      webhooks: modules.webhooks,
      microsoftConnection: modules.microsoftConnection,
      partnerCenterEvents: modules.partnerCenterEvents,
      billingPricing: modules.billingPricing,
      billingRating: modules.billingRating,
      invoicing: modules.invoicing,
      estimates: modules.estimates,
      billingUsage: modules.billingUsage,
      mailboxDir: opts.mailboxDir,
      ready: async () => (await database.query("SELECT 1 AS ok")).rows.length === 1,
    },
    {
      logger: opts.log
        ? {
            ...loggerOptions(config),
            serializers: logSerializers,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
          }
        : false,
      webRoot,
    },
  );
}

/** The mailer the configuration asks for: a real relay, or the embedded mailbox under the data folder. */
export async function createMailer(
  config: Config,
): Promise<{ mailer: Mailer; mailboxDir: string | null; close(): Promise<void> }> {
  if (config.mail.smtpUrl) {
    const mailer = createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from });
    return { mailer, mailboxDir: null, close: () => mailer.close() };
  }
  const mailboxDir = path.join(config.dataDir, "mailbox");
  const box = await startCapturedMailbox(mailboxDir);
  const mailer = createSmtpMailer({ url: box.smtpUrl, from: config.mail.from, ignoreTls: true });
  return {
    mailer,
    mailboxDir,
    close: async () => {
      await mailer.close();
      await box.close();
    },
  };
}

export { openDatabase };
