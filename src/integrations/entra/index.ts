export type { AccessToken, EntraError, EntraErrorDetails, TokenSource } from "./port.ts";
export { microsoftResources } from "./port.ts";
export type { EntraTokenSourceDeps, RefreshTokenStore } from "./token-source.ts";
export { createEntraTokenSource } from "./token-source.ts";
export type { TokenClaims } from "./token-claims.ts";
export { readTokenClaims } from "./token-claims.ts";
export type {
  AuthorizeRequest,
  CodeRedemption,
  PartnerAdminSignIn,
  PartnerAdminSignInDeps,
  SignedInUser,
} from "./authorization-code.ts";
export { createPartnerAdminSignIn } from "./authorization-code.ts";
