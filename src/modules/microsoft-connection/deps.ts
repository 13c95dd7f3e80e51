import type { PartnerAdminSignIn, TokenSource } from "../../integrations/entra/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import type { AuditLog } from "../audit/index.ts";

/** The partner's application at Microsoft, as this process is connected to it. */
export type PartnerMicrosoft = {
  readonly partnerTenantId: string;
  /** App-only tokens for the application check; app+user tokens (from the stored sign-in) for the refresh check. */
  readonly tokens: TokenSource;
  readonly signIn: PartnerAdminSignIn;
};

export type MicrosoftConnectionDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** The secret box the refresh token and PKCE verifiers are sealed with; opened on first use. */
  readonly secrets: () => SecretBox;
  /** Null when this process is not connected to Microsoft. */
  readonly microsoft: PartnerMicrosoft | null;
  /** Where Microsoft sends the browser back: `${PUBLIC_URL}/api/v1/partner/microsoft-connection/callback`. */
  readonly redirectUri: string;
  /** Whether a user is still an active partner operator, checked when the sign-in they started comes back. */
  readonly isOperator: (userId: string) => Promise<boolean>;
  readonly log?: Logger;
};
