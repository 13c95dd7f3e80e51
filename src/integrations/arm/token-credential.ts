import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { EntraError, TokenSource } from "../entra/index.ts";

type TokenCredential = ConstructorParameters<typeof SubscriptionClient>[0];
type AccessToken = NonNullable<Awaited<ReturnType<TokenCredential["getToken"]>>>;

/** Thrown through the SDK when Entra ID gave no token, so the adapter can tell it from Azure's own refusals. */
export class TokenRefused extends Error {
  override readonly name = "TokenRefused";
  readonly entra: EntraError;

  constructor(entra: EntraError) {
    super(entra.message);
    this.entra = entra;
  }
}

/**
 * The Azure SDK's credential, backed by our token source: app-only tokens of the partner's application in one
 * tenant. The SDK asks for `<resource>/.default`; the token source takes the resource.
 */
export class TenantAppCredential implements TokenCredential {
  readonly #tokens: Pick<TokenSource, "appToken">;
  readonly #tenantId: string;

  constructor(tokens: Pick<TokenSource, "appToken">, tenantId: string) {
    this.#tokens = tokens;
    this.#tenantId = tenantId;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const token = await this.#tokens.appToken(this.#tenantId, scope.replace(/\/\.default$/, ""));
    if (!token.ok) throw new TokenRefused(token.error);
    return {
      token: token.value.token,
      expiresOnTimestamp: token.value.expiresAt.getTime(),
      tokenType: "Bearer",
    };
  }
}
