import type { Clock } from "../../../platform/clock.ts";
import type { Db } from "../../../platform/db/types.ts";
import type { AuditLog } from "../../audit/index.ts";
import type { BilledProvider } from "../../providers/index.ts";

/** The facts of a billing account rating needs: who it bills and where it is (its currency follows its country). */
export type BillingAccountFacts = {
  id: string;
  orgId: string;
  costCenterId: string | null;
  alias: string;
  country: string;
};

export type BillingRatingDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Billing accounts' face: a connected account, or null. */
  readonly billingAccounts: { accountOf(id: string): Promise<BillingAccountFacts | null> };
  /** Providers' face: the providers that bill an account, oldest first, with their Azure tenant and subscription. */
  readonly billedProviders: () => Promise<readonly BilledProvider[]>;
  /** Onboarding's face: the subscriptions it manages and the provider each belongs to. */
  readonly managedSubscriptions: () => Promise<readonly { providerId: string; subscriptionId: string }[]>;
};
