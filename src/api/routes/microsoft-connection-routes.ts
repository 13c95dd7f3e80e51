import { z } from "zod";
import { CALLBACK_PATH, SIGN_IN_MINUTES } from "../../modules/microsoft-connection/index.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses } from "../schemas.ts";

const at = z.date();

const CheckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: z.string().describe("entra_bad_client_secret, entra_sign_in_required, entra_unavailable, …"),
    message: z.string().describe("What is wrong and how to fix it"),
    correlationId: z.string().nullable().describe("Quote it to Microsoft support"),
  }),
]);

const StatusSchema = z.object({
  connected: z.boolean().describe("False when this installation is not configured for Microsoft"),
  partnerTenantId: z.string().nullable(),
  redirectUri: z
    .string()
    .describe("The reply URL (Web platform) to register on the partner's application in Microsoft Entra ID"),
  appCheck: CheckSchema.nullable().describe(
    "An app-only Partner Center token in the partner's tenant, just now; null when not connected",
  ),
  signIn: z
    .object({
      userPrincipalName: z.string(),
      userObjectId: z.string(),
      mfa: z.boolean().describe("The sign-in used MFA; Partner Center refuses app+user calls without it"),
      signedInAt: at,
      signedInBy: z.object({ userId: z.string(), email: z.string().nullable() }),
      refreshedAt: at.nullable().describe("When Microsoft last handed back a new refresh token"),
      refresh: CheckSchema.nullable().describe(
        "An app+user Partner Center token from the stored sign-in, just now; null when not connected",
      ),
    })
    .nullable()
    .describe("The partner administrator whose sign-in app+user calls use; null when nobody signed in"),
});

const SignInStartedSchema = z.object({
  authorizeUrl: z.string().describe("Send the browser here (a top-level navigation, not a fetch)"),
  expiresAt: at.describe(`The sign-in must be finished within ${SIGN_IN_MINUTES} minutes`),
});

const ANSWER_VALUE = /^[\x21-\x7e]+$/;
const answerField = (field: string, max: number) =>
  z
    .string({ error: `${field} must be text` })
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .regex(ANSWER_VALUE, `${field} must be printable ASCII, as Microsoft sends it`);

/** What Microsoft adds to the redirect URI (other parameters, such as session_state, are ignored). */
const CallbackQuery = z.object({
  state: answerField("state", 200).describe("The state sent with the sign-in"),
  code: answerField("code", 4096).optional().describe("The authorization code, when the sign-in succeeded"),
  error: answerField("error", 100).optional().describe("Microsoft's error code, when it did not"),
});

/** The console page that shows the outcome; only our own codes are put in its URL. */
const CONSOLE_PAGE = "/microsoft-connection";

const operators = "partner operators";

export function microsoftConnectionRoutes(app: App, deps: ApiDeps): void {
  const connection = deps.microsoftConnection;

  app.get(
    "/api/v1/partner/microsoft-connection",
    {
      schema: {
        operationId: "getMicrosoftConnection",
        tags: ["microsoft-connection"],
        summary: `The partner's connection to Microsoft, checked live (${operators})`,
        description:
          "Checks the application (an app-only token in the partner's tenant) and the partner administrator's " +
          "sign-in that app+user Partner Center calls use (an app+user token from the stored refresh token).",
        response: { 200: StatusSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await connection.status(callerOf(req))),
  );

  app.post(
    "/api/v1/partner/microsoft-connection/sign-in",
    {
      schema: {
        operationId: "startMicrosoftSignIn",
        tags: ["microsoft-connection"],
        summary: `Start the partner administrator's sign-in with Microsoft (${operators})`,
        description:
          "Returns Microsoft's sign-in URL (authorization code with PKCE). The administrator signs in there with " +
          `MFA within ${SIGN_IN_MINUTES} minutes; Microsoft then sends the browser to the callback, which keeps ` +
          "the refresh token (encrypted) in place of any earlier sign-in.",
        response: { 201: SignInStartedSchema, ...errorResponses, 503: errorResponses[400] },
      },
    },
    async (req, reply) => respond(req, reply, await connection.start(callerOf(req)), 201),
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { auth: "public" },
      schema: {
        operationId: "completeMicrosoftSignIn",
        tags: ["microsoft-connection"],
        summary: "Where Microsoft sends the browser back after the sign-in (the redirect URI)",
        description:
          "Authenticated by the single-use state alone: the console's session cookie is SameSite=Strict, so it " +
          `does not come along on a redirect from Microsoft. Redirects to ${CONSOLE_PAGE}?signedIn=1, or ` +
          `${CONSOLE_PAGE}?error=<code> (microsoft_sign_in_invalid, microsoft_sign_in_expired, ` +
          "microsoft_sign_in_declined, microsoft_sign_in_failed, microsoft_sign_in_wrong_tenant, " +
          "microsoft_unavailable, microsoft_not_connected, forbidden).",
        querystring: CallbackQuery,
        response: {
          303: z.null().describe("To the console's Microsoft connection page"),
          400: errorResponses[400],
        },
      },
    },
    async (req, reply) => {
      const { state, code, error } = req.query;
      const outcome = await connection.complete(
        { state, ...(code ? { code } : {}), ...(error ? { error } : {}) },
        req.id,
      );
      if (!outcome.ok)
        req.log.warn({ code: outcome.error.code }, `Microsoft sign-in not kept: ${outcome.error.message}`);
      const query = outcome.ok ? "signedIn=1" : `error=${encodeURIComponent(outcome.error.code)}`;
      return reply.redirect(`${CONSOLE_PAGE}?${query}`, 303);
    },
  );

  app.delete(
    "/api/v1/partner/microsoft-connection",
    {
      schema: {
        operationId: "signOutOfMicrosoft",
        tags: ["microsoft-connection"],
        summary: `Forget the partner administrator's sign-in (${operators})`,
        description:
          "App+user Partner Center calls stop working until someone signs in again (an access token already " +
          "issued lasts until it expires, at most an hour). Microsoft is not told: to revoke the refresh token " +
          "itself, revoke the user's sessions in Microsoft Entra ID.",
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await connection.signOut(callerOf(req)), 204),
  );
}
