import type { Result } from "../../platform/result.ts";

/** A bearer token and when it stops working. */
export type AccessToken = { readonly token: string; readonly expiresAt: Date };

/** Where each failure came from, for the operator; never a secret or a token. */
export type EntraErrorDetails = {
  readonly tenant: string;
  readonly resource: string;
  /** Entra's AADSTS numbers (`error_codes`), when it answered with its error body. */
  readonly errorCodes?: readonly number[];
  readonly entraError?: string;
  readonly status?: number;
  readonly traceId?: string;
  /** The `client-request-id` we sent, or the correlation id Entra reported: quote it to Microsoft support. */
  readonly correlationId: string;
};

type Failure<C extends string, R extends boolean> = {
  readonly code: C;
  readonly message: string;
  readonly retryable: R;
  readonly details: EntraErrorDetails;
};

/** Why Entra ID gave no token. Persisted and shown as codes: never rename one. */
export type EntraError =
  /** AADSTS7000215 (`invalid_client`): the client secret is wrong or expired. */
  | Failure<"entra_bad_client_secret", false>
  /** AADSTS700016 (`unauthorized_client`): the app has no service principal in that tenant (no consent yet). */
  | Failure<"entra_app_not_in_tenant", false>
  /** AADSTS90002: no such tenant. */
  | Failure<"entra_unknown_tenant", false>
  /** `invalid_grant` on a refresh token, or none stored: the partner's admin must sign in again. */
  | Failure<"entra_sign_in_required", false>
  /** Any other refusal (scope, resource, grant): a configuration problem. */
  | Failure<"entra_rejected", false>
  /** 429, 5xx, a timeout or no connection, still so after the retries. */
  | Failure<"entra_unavailable", true>
  /** A 200 without a usable token: a bug on one side or the other. */
  | Failure<"entra_invalid_response", false>;

/**
 * Our port to Microsoft Entra ID: tokens for the partner's application.
 * - `appToken`: app-only (client credentials) in the partner's tenant or a customer's tenant that consented;
 * - `userToken`: app+user in the partner's tenant (the secure application model), from the stored refresh token.
 * Both are cached until five minutes before expiry, and concurrent callers share one request.
 */
export type TokenSource = {
  readonly appToken: (tenant: string, resource: string) => Promise<Result<AccessToken, EntraError>>;
  readonly userToken: (resource: string) => Promise<Result<AccessToken, EntraError>>;
};

/** Resource identifiers (token audiences) of the Microsoft APIs we call (microsoft-apis.md §A3). */
export const microsoftResources = Object.freeze({
  partnerCenter: "https://api.partnercenter.microsoft.com",
  graph: "https://graph.microsoft.com",
  resourceManager: "https://management.azure.com",
});
