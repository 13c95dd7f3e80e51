import { z } from "zod";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import {
  retryAfterMs,
  withRetry,
  type HttpClient,
  type HttpOutcome,
  type HttpRequest,
  type RetryDecision,
  type RetryPolicy,
  type RetryTools,
} from "../http/index.ts";
import type {
  PartnerCloud,
  PartnerCloudAccount,
  PartnerCloudError,
  PartnerCloudInvoice,
  PartnerCloudSession,
} from "./port.ts";

/** The v2 login token is good for up to two weeks (product.md §3.3, CLC-LOGIN). */
const SESSION_MS = 14 * 86_400_000;
/** The role the API v2 gives an account administrator (product.md §3.3). */
const ACCOUNT_ADMIN_ROLE = "AccountAdmin";
/** Account aliases are short letters and digits; anything else cannot name an account and is not sent. */
const ALIAS = /^[A-Za-z0-9]{1,10}$/;
/** What the line-items call takes: at most two decimal places. */
const MONEY = /^-?\d{1,12}(\.\d{1,2})?$/;

/** Amounts arrive as decimal strings (or, from the public API, JSON numbers): kept as decimal strings. */
const Decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number().transform((n) => String(n))]);

const LoginWire = z.object({
  userName: z.string(),
  accountAlias: z.string(),
  roles: z.array(z.string()),
  bearerToken: z.string().min(1),
});
const AccountWire = z.object({
  accountAlias: z.string(),
  parentAlias: z.string().nullish(),
  businessName: z.string(),
  country: z.string(),
  status: z.string(),
  isDemo: z.boolean().default(false),
  isInternal: z.boolean().default(false),
  isReseller: z.boolean().default(false),
});
const AccountsWire = z.object({ accounts: z.array(AccountWire) });
const InvoiceWire = z.object({
  id: z.string(),
  accountAlias: z.string(),
  pricingAccountAlias: z.string(),
  companyName: z.string(),
  invoiceDate: z.string(),
  totalAmount: Decimal,
  lineItems: z.array(
    z.object({
      description: z.string(),
      quantity: z.number(),
      unitCost: Decimal,
      itemTotal: Decimal,
      serviceLocation: z.string().default(""),
      lineKey: z.string().optional(),
    }),
  ),
});
const MessageWire = z.object({ message: z.string() });

const toAccount = (a: z.infer<typeof AccountWire>): PartnerCloudAccount => ({
  alias: a.accountAlias,
  name: a.businessName,
  parentAlias: a.parentAlias ?? null,
  country: a.country.toUpperCase(),
  status: a.status.toLowerCase() === "active" ? "active" : "disabled",
  demo: a.isDemo,
  internal: a.isInternal,
  reseller: a.isReseller,
});

export type PartnerCloudClientDeps = {
  /** A client for the partner cloud's API base URL (`PARTNER_CLOUD_URL`). */
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly retry?: { readonly policy?: Partial<RetryPolicy>; readonly tools?: Partial<RetryTools> };
};

/**
 * The partner cloud's API v2 over HTTPS. Every call is retried on 429, 5xx, timeouts and lost connections: reads
 * and the login change nothing, and each invoice line carries an Idempotency-Key, so a repeat adds nothing.
 */
export function createPartnerCloudClient(deps: PartnerCloudClientDeps): PartnerCloud {
  const safeToRepeat = (outcome: HttpOutcome): RetryDecision => {
    if (!outcome.ok) return { retry: true };
    const { status, headers } = outcome.value;
    if (status !== 429 && status < 500) return { retry: false };
    const afterMs = retryAfterMs(headers, deps.clock.now());
    return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
  };

  const send = (req: HttpRequest) => withRetry(() => deps.http.request(req), safeToRepeat, deps.retry);

  const authorized = (session: PartnerCloudSession) => ({ authorization: `Bearer ${session.bearerToken}` });

  /** The failures every call shares; undefined when the answer is the expected success. */
  function failure(
    outcome: HttpOutcome,
    session: PartnerCloudSession | undefined,
    alias: string | undefined,
    success: number,
  ): PartnerCloudError | undefined {
    if (!outcome.ok)
      return {
        code: "partner_cloud_unavailable",
        message: `The partner cloud did not answer (${outcome.error.message}). Try again later.`,
        retryable: true,
        details: { ambiguous: outcome.error.ambiguous },
      };
    const { status } = outcome.value;
    if (status === success) return undefined;
    if (status === 429 || status >= 500)
      return {
        code: "partner_cloud_unavailable",
        message: `The partner cloud answered ${status}. Try again later.`,
        retryable: true,
        details: { status, ambiguous: status !== 429 && status !== 503 },
      };
    if (status === 401 && session)
      return {
        code: "partner_cloud_session_expired",
        message: `The partner cloud no longer accepts the sign-in of '${session.userName}'. Sign in to the partner cloud again.`,
        retryable: false,
        details: { userName: session.userName },
      };
    if (status === 404 && alias !== undefined) return unknownAccount(alias);
    const reason = MessageWire.safeParse(outcome.value.json);
    return {
      code: "partner_cloud_rejected",
      message: `The partner cloud refused the request (${status}${reason.success ? `: ${reason.data.message}` : ""}).`,
      retryable: false,
      details: reason.success ? { status, reason: reason.data.message } : { status },
    };
  }

  const unknownAccount = (alias: string): PartnerCloudError => ({
    code: "partner_cloud_unknown_account",
    message: `The partner cloud has no account '${alias}' these credentials can reach. Check the alias, or sign in as an administrator of that account.`,
    retryable: false,
    details: { accountAlias: alias },
  });

  function parsed<T>(schema: z.ZodType<T>, outcome: HttpOutcome): Result<T, PartnerCloudError> {
    const body = schema.safeParse(outcome.ok ? outcome.value.json : undefined);
    return body.success
      ? ok(body.data)
      : err({
          code: "partner_cloud_rejected",
          message: "The partner cloud answered in a shape Partner Cloud does not understand.",
          retryable: false,
          details: { reason: "unexpected response body" },
        });
  }

  const login: PartnerCloud["login"] = async (userName, password) => {
    // The password goes into this one request body and nowhere else: not into an error, a log line or a session.
    const outcome = await send({
      method: "POST",
      path: "/v2/authentication/login",
      json: { username: userName, password },
    });
    if (outcome.ok && outcome.value.status === 400)
      return err({
        code: "partner_cloud_bad_credentials",
        message: `The partner cloud did not recognise the user name '${userName}' or its password. Check both and try again.`,
        retryable: false,
        details: { userName },
      });
    const failed = failure(outcome, undefined, undefined, 200);
    if (failed) return err(failed);
    const body = parsed(LoginWire, outcome);
    if (!body.ok) return body;
    if (!body.value.roles.includes(ACCOUNT_ADMIN_ROLE))
      return err({
        code: "partner_cloud_not_account_admin",
        message: `'${body.value.userName}' is not an account administrator of ${body.value.accountAlias} in the partner cloud. Sign in as an account administrator.`,
        retryable: false,
        details: { userName: body.value.userName, roles: body.value.roles },
      });
    return ok({
      userName: body.value.userName,
      accountAlias: body.value.accountAlias,
      roles: body.value.roles,
      bearerToken: body.value.bearerToken,
      expiresAt: new Date(deps.clock.now().getTime() + SESSION_MS),
    });
  };

  const accountsBillableBy: PartnerCloud["accountsBillableBy"] = async (session) => {
    const outcome = await send({ method: "GET", path: "/v2/accounts", headers: authorized(session) });
    const failed = failure(outcome, session, undefined, 200);
    if (failed) return err(failed);
    const body = parsed(AccountsWire, outcome);
    return body.ok ? ok(body.value.accounts.map(toAccount)) : body;
  };

  const account: PartnerCloud["account"] = async (session, alias) => {
    if (!ALIAS.test(alias)) return err(unknownAccount(alias));
    const outcome = await send({
      method: "GET",
      path: `/v2/accounts/${alias}`,
      headers: authorized(session),
    });
    const failed = failure(outcome, session, alias, 200);
    if (failed) return err(failed);
    const body = parsed(AccountWire, outcome);
    return body.ok ? ok(toAccount(body.value)) : body;
  };

  const invoice: PartnerCloud["invoice"] = async (session, alias, year, month) => {
    if (!ALIAS.test(alias)) return err(unknownAccount(alias));
    const outcome = await send({
      method: "GET",
      path: `/v2/invoice/${alias}/${year}/${month}`,
      headers: authorized(session),
    });
    const failed = failure(outcome, session, alias, 200);
    if (failed) return err(failed);
    const body = parsed(InvoiceWire, outcome);
    if (!body.ok) return body;
    const inv: PartnerCloudInvoice = {
      id: body.value.id,
      accountAlias: body.value.accountAlias,
      pricingAccountAlias: body.value.pricingAccountAlias,
      companyName: body.value.companyName,
      invoiceDate: body.value.invoiceDate,
      totalAmount: body.value.totalAmount,
      lines: body.value.lineItems.map((l) => ({
        description: l.description,
        quantity: l.quantity,
        unitCost: l.unitCost,
        itemTotal: l.itemTotal,
        serviceLocation: l.serviceLocation,
        key: l.lineKey ?? null,
      })),
    };
    return ok(inv);
  };

  const postInvoiceLines: PartnerCloud["postInvoiceLines"] = async (session, alias, year, month, lines) => {
    for (const line of lines)
      if (!MONEY.test(line.unitCost) || !MONEY.test(line.itemTotal) || !(line.quantity > 0))
        throw new Error(
          `An invoice line needs a positive quantity and amounts with at most two decimals: ${line.description}`,
        );
    if (!ALIAS.test(alias)) return err(unknownAccount(alias));
    let posted = 0;
    for (const { key, ...line } of lines) {
      // The Idempotency-Key makes a repeat harmless (200 with the line already there), so every failure that may
      // be passing is retried, an answer lost after the work included.
      const outcome = await send({
        method: "POST",
        path: `/v2/invoice/${alias}/${year}/${month}/lineItems`,
        headers: { ...authorized(session), "idempotency-key": key },
        json: line,
      });
      const failed =
        outcome.ok && outcome.value.status === 200 ? undefined : failure(outcome, session, alias, 201);
      if (failed)
        return err(
          failed.code === "partner_cloud_unavailable"
            ? { ...failed, details: { ...failed.details, postedLines: posted } }
            : failed,
        );
      posted++;
    }
    return ok({ posted });
  };

  return { login, accountsBillableBy, account, invoice, postInvoiceLines };
}
