import type { AccountFacts } from "./tables.ts";

/** Persisted and shown as codes: never rename one. */
export type IneligibilityCode =
  "ineligible_country" | "ineligible_reseller" | "ineligible_not_billable" | "ineligible_inactive";

/**
 * What the console turns into a "open a support request" link. The support desk comes later; until then the
 * console shows the subject and summary for the partner's usual support channel.
 */
export type SupportHint = {
  readonly kind: "support_request";
  readonly topic: "billing_account_eligibility";
  readonly subject: string;
  readonly summary: string;
  readonly accountAlias: string;
  readonly reason: IneligibilityCode;
};

export type IneligibilityReason = {
  readonly code: IneligibilityCode;
  readonly message: string;
  readonly wayForward: string;
  readonly support: SupportHint;
};

export type Eligibility = {
  readonly eligible: boolean;
  /** Every rule the account fails, in the order the rules are listed; empty when eligible. */
  readonly reasons: readonly IneligibilityReason[];
};

export type EligibilityFacts = Pick<
  AccountFacts,
  "alias" | "name" | "country" | "status" | "demo" | "internal" | "reseller" | "parentReseller"
>;

const WAY_FORWARD =
  "If you believe this is wrong, or want to discuss the options, open a support request and quote the account alias.";

function reason(account: EligibilityFacts, code: IneligibilityCode, rule: string): IneligibilityReason {
  const named = `${account.name} (${account.alias})`;
  const message = `${named} cannot be used for the partner's optimized Azure options: ${rule}.`;
  return {
    code,
    message,
    wayForward: WAY_FORWARD,
    support: {
      kind: "support_request",
      topic: "billing_account_eligibility",
      subject: `Billing account ${account.alias} is not eligible (${code})`,
      summary: message,
      accountAlias: account.alias,
      reason: code,
    },
  };
}

/**
 * The eligibility rules of the optimized Azure options (product.md §2.1): the billing country is one the partner
 * supports; the account is not a reseller nor a reseller's customer; it is billable (neither demo nor internal);
 * it is active. Pure: the caller supplies the facts and the partner's supported countries.
 */
export function eligibilityOf(account: EligibilityFacts, supportedCountries: readonly string[]): Eligibility {
  const reasons: IneligibilityReason[] = [];
  const country = account.country.toUpperCase();
  if (!supportedCountries.includes(country))
    reasons.push(
      reason(
        account,
        "ineligible_country",
        `its billing country ${country} is not one the partner supports (${supportedCountries.join(", ") || "none"})`,
      ),
    );
  if (account.reseller)
    reasons.push(
      reason(
        account,
        "ineligible_reseller",
        "it is a reseller account, and resellers bill their own customers",
      ),
    );
  else if (account.parentReseller)
    reasons.push(
      reason(
        account,
        "ineligible_reseller",
        "it is the customer of a reseller, and a reseller's customers are billed by the reseller",
      ),
    );
  if (account.demo || account.internal)
    reasons.push(
      reason(
        account,
        "ineligible_not_billable",
        `it is ${account.demo ? "a demo" : "an internal"} account, which is not billed`,
      ),
    );
  if (account.status !== "active")
    reasons.push(reason(account, "ineligible_inactive", "it is not active in the partner cloud"));
  return { eligible: reasons.length === 0, reasons };
}
