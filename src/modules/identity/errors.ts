import { appError } from "../../platform/result.ts";

export const identityErrors = {
  invalidCredentials: () =>
    appError("invalid_credentials", "The e-mail or password is not correct. Check both and try again."),
  userDisabled: () =>
    appError(
      "user_disabled",
      "This account is disabled. Ask an administrator of your organization to enable it.",
    ),
  tooManyAttempts: (retryAfterSeconds: number) =>
    appError(
      "too_many_attempts",
      `Too many failed sign-ins. Wait ${Math.ceil(retryAfterSeconds / 60)} minutes before trying again.`,
      { retryAfterSeconds },
    ),
  wrongPassword: () =>
    appError("invalid_credentials", "currentPassword is not your current password. Type it again."),
  tokenLimit: (max: number) =>
    appError(
      "token_limit",
      `You already have ${max} API tokens. Revoke one you no longer use, then create a new one.`,
    ),
  tokenNotFound: (id: string) => appError("not_found", `No API token with id ${id} is yours. Check the id.`),
};

export type IdentityError = ReturnType<(typeof identityErrors)[keyof typeof identityErrors]>;
