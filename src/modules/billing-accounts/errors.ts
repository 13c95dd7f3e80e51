import type { PartnerCloudError } from "../../integrations/partner-cloud/index.ts";
import { appError } from "../../platform/result.ts";

/** The failures billing accounts report. Codes are persisted in clients' code: never rename one. */
export const billingAccountErrors = {
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} with id ${id} exists, or you cannot see it. Check the id.`),
  forbidden: (why: string) => appError("forbidden", why),
  costCenterOutsideOrg: () =>
    appError(
      "invalid_reference",
      "costCenterId is not a cost center of this organization. Pick one of this organization's cost centers.",
    ),
  partnerCloudNotConnected: () => ({
    ...appError(
      "partner_cloud_not_connected",
      "Partner Cloud is not connected to the partner cloud right now, so accounts cannot be discovered or re-read. " +
        "Ask the partner's operators to configure PARTNER_CLOUD_URL, then try again.",
    ),
    retryable: true,
  }),
  ticketInvalid: (why: "unknown" | "used" | "expired" | "other_organization" | "other_user") =>
    appError(
      "connection_ticket_invalid",
      {
        unknown: "The connection ticket is not one Partner Cloud issued.",
        used: "The connection ticket was already used.",
        expired: "The connection ticket has expired (tickets last 10 minutes).",
        other_organization: "The connection ticket was issued for another organization.",
        other_user: "The connection ticket was issued to another user.",
      }[why] + " Sign in to the partner cloud again (discover) to get a new ticket.",
      { reason: why },
    ),
  accountNotOffered: (alias: string) =>
    appError(
      "billing_account_not_offered",
      `accountAlias: ${alias} is not among the accounts these partner-cloud credentials may bill. Pick one of the aliases that discover listed.`,
      { accountAlias: alias },
    ),
  alreadyConnected: (alias: string) =>
    appError(
      "billing_account_already_connected",
      `The partner cloud account ${alias} is already connected to this organization. Use the connected account, or disconnect it first.`,
      { accountAlias: alias },
    ),
  connectedElsewhere: (alias: string) =>
    appError(
      "billing_account_connected_elsewhere",
      `The partner cloud account ${alias} is already connected to another organization; an account bills one organization at a time. Ask that organization to disconnect it, or open a support request.`,
      { accountAlias: alias },
    ),
  inUse: (id: string, users: readonly string[]) =>
    appError(
      "billing_account_in_use",
      `The billing account ${id} is still used by ${users.join(", ")}. Delete or move those first, then disconnect it.`,
      { usedBy: [...users] },
    ),
  termsOutdated: (current: { partnerTerms: number; customerAgreement: number }) =>
    appError(
      "terms_outdated",
      `These are not the current terms: accept partner terms version ${current.partnerTerms} and Microsoft Customer Agreement version ${current.customerAgreement}. Reload the terms and accept them again.`,
      {
        partnerTermsVersion: current.partnerTerms,
        customerAgreementVersion: current.customerAgreement,
      },
    ),
  termsVersionStale: (kind: string, latest: number) =>
    appError(
      "terms_version_conflict",
      `Version ${latest} of ${kind} was published meanwhile. Reload the terms and publish again.`,
      { latestVersion: latest },
    ),
  secretUnreadable: (message: string) => appError("secret_unreadable", message),
};

/** Plain-words messages for the partner cloud's refusals, as the people connecting an account read them. */
export function fromPartnerCloud(e: PartnerCloudError): PartnerCloudError {
  switch (e.code) {
    case "partner_cloud_bad_credentials":
      return {
        ...e,
        message: `The partner cloud did not accept the user name ${e.details.userName} with that password. Check both and try again.`,
      };
    case "partner_cloud_not_account_admin":
      return {
        ...e,
        message:
          `${e.details.userName} is not an Account Administrator of the partner cloud (roles: ${e.details.roles.join(", ") || "none"}). ` +
          "Only an Account Administrator may connect accounts: sign in with one, or ask one to grant you the role.",
      };
    default:
      return e;
  }
}

export type BillingAccountError =
  ReturnType<(typeof billingAccountErrors)[keyof typeof billingAccountErrors]> | PartnerCloudError;
