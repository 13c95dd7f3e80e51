import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Config } from "../platform/config.ts";
import type { Clock } from "../platform/clock.ts";
import type { AuditLog } from "../modules/audit/index.ts";
import type { BillingAccounts } from "../modules/billing-accounts/index.ts";
import type { BillingUsage } from "../modules/billing/usage/index.ts";
import type { BillingPricing } from "../modules/billing/pricing/index.ts";
import type { BillingRating } from "../modules/billing/rating/index.ts";
import type { Invoicing } from "../modules/billing/invoicing/index.ts";
import type { ScopedEstimates } from "../modules/billing/estimates/index.ts";
import type { Identity, SessionInfo } from "../modules/identity/index.ts";
import type { MicrosoftConnectionModule } from "../modules/microsoft-connection/index.ts";
import type { Governance } from "../modules/governance/index.ts";
import type { Onboarding } from "../modules/onboarding/index.ts";
import type { PartnerCenterEvents } from "../modules/partner-center-events/index.ts";
import type { Providers } from "../modules/providers/index.ts";
import type { Caller, Tenancy } from "../modules/tenancy/index.ts";
import type { Webhooks } from "../modules/webhooks/index.ts";

export type AuthMode = "public" | "user" | "operator";

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | null;
    authVia: "session" | "token" | null;
    sessionSecret: string | null;
    session: SessionInfo | null;
  }
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

/** What the HTTP layer needs: the modules' faces, the clock and the configuration. */
export type ApiDeps = {
  readonly config: Config;
  readonly clock: Clock;
  readonly tenancy: Tenancy;
  readonly identity: Identity;
  readonly audit: AuditLog;
  readonly billingAccounts: BillingAccounts;
  readonly providers: Providers;
  readonly onboarding: Onboarding;
  readonly governance: Governance;
  readonly webhooks: Webhooks;
  readonly microsoftConnection: MicrosoftConnectionModule;
  readonly partnerCenterEvents: PartnerCenterEvents;
  readonly billingUsage: BillingUsage;
  readonly billingPricing: BillingPricing;
  readonly billingRating: BillingRating;
  readonly invoicing: Invoicing;
  readonly estimates: ScopedEstimates;
  /** Where the embedded mailbox keeps captured mail, when it is on. */
  readonly mailboxDir: string | null;
  readonly ready: () => Promise<boolean>;
};

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
