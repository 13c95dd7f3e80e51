import { allPages } from "./all-pages.ts";
import type { HttpClient } from "./http-client.ts";
import type { CurrentTerms, Page, TermsAcceptance } from "./types.ts";

export type AcceptTermsInput = {
  partnerTermsVersion: number;
  customerAgreementVersion: number;
  contact: { firstName: string; lastName: string; email: string; phoneNumber?: string };
};

const acceptances = (billingAccountId: string) =>
  `/billing-accounts/${encodeURIComponent(billingAccountId)}/terms-acceptances`;

/** The partner's terms and Microsoft's Customer Agreement, and their acceptances per billing account. */
export function termsApi(http: HttpClient) {
  return {
    current: () => http.get<CurrentTerms>("/terms"),
    acceptances: (billingAccountId: string) =>
      allPages((cursor) =>
        http.get<Page<TermsAcceptance>>(acceptances(billingAccountId), { limit: 200, cursor }),
      ),
    accept: (billingAccountId: string, input: AcceptTermsInput) =>
      http.post<TermsAcceptance>(acceptances(billingAccountId), input),
  };
}
