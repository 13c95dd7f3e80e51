import type { CurrentTerms, TermsAcceptance } from "../../api/types.ts";

export type TermsStatus =
  | { kind: "accepted"; acceptance: TermsAcceptance }
  | { kind: "outdated"; acceptance: TermsAcceptance }
  | { kind: "none" };

/**
 * Whether a billing account's newest acceptance covers the current versions of both documents; publishing a new
 * version makes earlier acceptances stop counting.
 */
export function termsStatusOf(current: CurrentTerms, acceptances: readonly TermsAcceptance[]): TermsStatus {
  const newest = acceptances[0];
  if (!newest) return { kind: "none" };
  const covers =
    newest.partnerTermsVersion === current.partnerTerms.version &&
    newest.customerAgreementVersion === current.customerAgreement.version;
  return { kind: covers ? "accepted" : "outdated", acceptance: newest };
}

export const termsStatusLabel: Record<TermsStatus["kind"], string> = {
  accepted: "Terms accepted",
  outdated: "New terms to accept",
  none: "Terms not accepted",
};
