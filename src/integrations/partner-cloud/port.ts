import type { Result } from "../../platform/result.ts";

/**
 * A signed-in partner-cloud user. `bearerToken` is a credential good for two weeks: store it encrypted if at all,
 * never log it. The password that produced it is not kept anywhere.
 */
export type PartnerCloudSession = {
  readonly userName: string;
  /** The account holding the user; their roles apply to it and every account below it. */
  readonly accountAlias: string;
  readonly roles: readonly string[];
  readonly bearerToken: string;
  readonly expiresAt: Date;
};

/** An account of the partner cloud, with what the eligibility rules look at. */
export type PartnerCloudAccount = {
  readonly alias: string;
  readonly name: string;
  readonly parentAlias: string | null;
  /** ISO 3166-1 alpha-2 country of the billing address. */
  readonly country: string;
  readonly status: "active" | "disabled";
  readonly demo: boolean;
  readonly internal: boolean;
  readonly reseller: boolean;
};

/** Money is a decimal string ("12.34"), never a float. */
export type InvoiceLine = {
  /**
   * Our name for the line, for good (e.g. the invoice id and line number): posting a line again under the same
   * key adds nothing, so a post cut off mid-way can simply be repeated.
   */
  readonly key: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitCost: string;
  readonly itemTotal: string;
  readonly serviceLocation: string;
};

/** The partner cloud's monthly invoice of an account: an estimate until the month is closed. */
export type PartnerCloudInvoice = {
  readonly id: string;
  readonly accountAlias: string;
  /** The account that receives the bill. */
  readonly pricingAccountAlias: string;
  readonly companyName: string;
  readonly invoiceDate: string;
  readonly totalAmount: string;
  /** The lines as the partner cloud holds them; `key` is null for lines posted by others without one. */
  readonly lines: readonly (Omit<InvoiceLine, "key"> & { readonly key: string | null })[];
};

type Failure<C extends string, R extends boolean, D = Readonly<Record<string, unknown>>> = {
  readonly code: C;
  readonly message: string;
  readonly retryable: R;
  readonly details: D;
};

/** Why the partner cloud said no, or said nothing. Persisted and shown as codes: never rename one. */
export type PartnerCloudError =
  | Failure<"partner_cloud_bad_credentials", false, { readonly userName: string }>
  | Failure<
      "partner_cloud_not_account_admin",
      false,
      { readonly userName: string; readonly roles: readonly string[] }
    >
  /** The bearer token expired or was revoked: sign in again. */
  | Failure<"partner_cloud_session_expired", false, { readonly userName: string }>
  | Failure<"partner_cloud_unknown_account", false, { readonly accountAlias: string }>
  /** Any other refusal (a bad period, a malformed answer). */
  | Failure<"partner_cloud_rejected", false, { readonly status?: number; readonly reason?: string }>
  /**
   * 429, 5xx, a timeout or no connection, still so after the retries. When `ambiguous`, a write may have
   * happened: read back before writing again (`postedLines` lines of the call are known to be in).
   */
  | Failure<
      "partner_cloud_unavailable",
      true,
      { readonly status?: number; readonly ambiguous: boolean; readonly postedLines?: number }
    >;

/** Our port to the partner's cloud API v2 (product.md §3.3): only the calls we make. */
export type PartnerCloud = {
  /** Signs in with the user's own credentials; only an account administrator may connect accounts. */
  readonly login: (
    userName: string,
    password: string,
  ) => Promise<Result<PartnerCloudSession, PartnerCloudError>>;
  /** The accounts the session may bill: the user's account and every account below it. */
  readonly accountsBillableBy: (
    session: PartnerCloudSession,
  ) => Promise<Result<PartnerCloudAccount[], PartnerCloudError>>;
  readonly account: (
    session: PartnerCloudSession,
    alias: string,
  ) => Promise<Result<PartnerCloudAccount, PartnerCloudError>>;
  readonly invoice: (
    session: PartnerCloudSession,
    alias: string,
    year: number,
    month: number,
  ) => Promise<Result<PartnerCloudInvoice, PartnerCloudError>>;
  /** Adds lines to the account's invoice of that month, in order; a line whose key is already there is skipped. */
  readonly postInvoiceLines: (
    session: PartnerCloudSession,
    alias: string,
    year: number,
    month: number,
    lines: readonly InvoiceLine[],
  ) => Promise<Result<{ posted: number }, PartnerCloudError>>;
};
