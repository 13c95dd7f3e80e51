import type { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import type { ArmTokens } from "./port.ts";

type TokenCredential = ConstructorParameters<typeof SubscriptionClient>[0];
type AccessToken = NonNullable<Awaited<ReturnType<TokenCredential["getToken"]>>>;

/** Seconds since the epoch at which a JWT expires, read without verifying it (the issuer verifies it). */
function expiryOf(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp : null;
  } catch {
    return null;
  }
}

/**
 * The Azure SDK's credential, backed by our token source: app-only tokens of the partner's application in one
 * tenant. The SDK asks for `<resource>/.default`; the token source takes the resource.
 */
export class TenantAppCredential implements TokenCredential {
  readonly #tokens: ArmTokens;
  readonly #tenantId: string;
  readonly #now: () => Date;

  constructor(tokens: ArmTokens, tenantId: string, now: () => Date) {
    this.#tokens = tokens;
    this.#tenantId = tenantId;
    this.#now = now;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = Array.isArray(scopes) ? (scopes[0] ?? "") : scopes;
    const resource = scope.replace(/\/\.default$/, "");
    const token = await this.#tokens.appToken(this.#tenantId, resource);
    // Without a readable expiry, let the SDK ask again in a minute: the token source keeps its own cache.
    const exp = expiryOf(token);
    return {
      token,
      expiresOnTimestamp: exp === null ? this.#now().getTime() + 60_000 : exp * 1000,
      tokenType: "Bearer",
    };
  }
}
