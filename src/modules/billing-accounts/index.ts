import type { AuditActor } from "../audit/index.ts";
import { createBillingAccountService, type BillingAccountUsage } from "./billing-accounts.ts";
import type { BillingAccountsDeps } from "./deps.ts";
import { createSettings } from "./settings.ts";
import { createTerms } from "./terms.ts";

/** Partner-cloud accounts connected to organizations, their eligibility, and the terms accepted for them. */
export function createBillingAccounts(deps: BillingAccountsDeps) {
  const settings = createSettings(deps);
  const accounts = createBillingAccountService(deps, settings);
  const terms = createTerms(deps, settings, accounts);
  return {
    settings,
    accounts,
    terms,
    /** For providers and onboarding: the eligibility rules on a connected account, live when possible. */
    checkEligibility: (billingAccountId: string, actor?: AuditActor) =>
      accounts.checkEligibility(billingAccountId, actor),
    /** For providers: whether the current partner terms and customer agreement are accepted for the account. */
    hasAcceptedCurrentTerms: (billingAccountId: string) => terms.hasAcceptedCurrentTerms(billingAccountId),
    /** For providers: registers the answer to "is this billing account in use?" (disconnecting is refused then). */
    registerUsageCheck: (check: BillingAccountUsage) => accounts.registerUsageCheck(check),
  };
}

export type BillingAccounts = ReturnType<typeof createBillingAccounts>;
export type { BillingAccountsDeps } from "./deps.ts";
export type { BillingAccountError } from "./errors.ts";
export type {
  BillingAccount,
  BillingAccountUsage,
  DiscoveredAccount,
  Discovery,
  EligibilityCheck,
} from "./billing-accounts.ts";
export type {
  Eligibility,
  EligibilityFacts,
  IneligibilityCode,
  IneligibilityReason,
  SupportHint,
} from "./eligibility.ts";
export { eligibilityOf } from "./eligibility.ts";
export type { BillingAccountSettings } from "./settings.ts";
export { DEFAULT_SUPPORTED_COUNTRIES } from "./settings.ts";
export type { AcceptanceInput, CurrentTerms, TermsAcceptance, TermsDocument, TermsKind } from "./terms.ts";
