/** What the callback's redirect says happened, in words (only codes of ours reach the page's URL). */
export type SignInOutcome = { kind: "success"; text: string } | { kind: "error"; code: string; text: string };

const messages: Record<string, string> = {
  microsoft_sign_in_invalid:
    "That sign-in answer was not accepted: it does not belong to a sign-in started here, or it was already used. Sign in again.",
  microsoft_sign_in_expired:
    "The sign-in took longer than 10 minutes, so its answer was not accepted. Sign in again, and finish within 10 minutes.",
  microsoft_sign_in_declined:
    "Microsoft did not complete the sign-in: it was cancelled, or the account was refused. Sign in again with an administrator of the partner's tenant.",
  microsoft_sign_in_failed:
    "Microsoft refused to finish the sign-in. Check that the reply URL below is registered on the application, then sign in again.",
  microsoft_sign_in_wrong_tenant:
    "The account that signed in is not in the partner's tenant. Sign in with an administrator of the partner's tenant.",
  microsoft_unavailable: "Microsoft could not be reached to finish the sign-in. Sign in again in a moment.",
  microsoft_not_connected: "This installation is not connected to Microsoft, so the sign-in was not kept.",
  forbidden: "The sign-in was started by someone who is no longer a partner operator, so it was not kept.",
};

/** Reads `?signedIn=1` or `?error=<code>` from the page's query; null when neither is there. */
export function signInOutcomeOf(search: string): SignInOutcome | null {
  const params = new URLSearchParams(search);
  if (params.get("signedIn") === "1")
    return { kind: "success", text: "Signed in. App+user Partner Center calls now use this sign-in." };
  const code = params.get("error");
  if (!code) return null;
  return {
    kind: "error",
    code,
    text: messages[code] ?? "The sign-in was not completed. Sign in again.",
  };
}
