import { z } from "zod";
import type { PartnerCloudSession } from "../../integrations/partner-cloud/index.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import { billingAccountErrors, type BillingAccountError } from "./errors.ts";

const Stored = z.object({
  userName: z.string(),
  accountAlias: z.string(),
  roles: z.array(z.string()),
  bearerToken: z.string(),
  expiresAt: z.iso.datetime(),
});

/** A partner-cloud session as stored: the whole session (bearer token included) encrypted by the secret box. */
export const sealSession = (box: SecretBox, s: PartnerCloudSession): string =>
  box.encrypt(
    JSON.stringify({
      userName: s.userName,
      accountAlias: s.accountAlias,
      roles: s.roles,
      bearerToken: s.bearerToken,
      expiresAt: s.expiresAt.toISOString(),
    }),
  );

export function openSession(
  box: SecretBox,
  sealed: string,
): Result<PartnerCloudSession, BillingAccountError> {
  const plain = box.decrypt(sealed);
  if (!plain.ok) return err(billingAccountErrors.secretUnreadable(plain.error.message));
  const parsed = Stored.safeParse(JSON.parse(plain.value));
  if (!parsed.success)
    return err(
      billingAccountErrors.secretUnreadable(
        "The stored partner-cloud session is damaged. Connect the account again.",
      ),
    );
  return ok({ ...parsed.data, expiresAt: new Date(parsed.data.expiresAt) });
}
