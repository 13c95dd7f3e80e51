import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { PartnerCloudAccount, PartnerCloudWorld } from "./partner-cloud-world.ts";

const TOKEN_TTL_MS = 14 * 86_400_000;
const MONEY = /^-?\d{1,12}(\.\d{1,2})?$/;

const LineBody = z.object({
  quantity: z.number().positive(),
  description: z.string().min(1).max(200),
  unitCost: z.string().regex(MONEY),
  itemTotal: z.string().regex(MONEY),
  serviceLocation: z.string().max(50).default(""),
});

/** Sums decimal strings of at most two places exactly, in cents. */
function total(amounts: string[]): string {
  const cents = amounts.reduce((sum, a) => {
    const [whole = "0", frac = ""] = a.replace("-", "").split(".");
    const c = BigInt(whole) * 100n + BigInt(frac.padEnd(2, "0"));
    return sum + (a.startsWith("-") ? -c : c);
  }, 0n);
  const sign = cents < 0n ? "-" : "";
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}

const accountView = (a: PartnerCloudAccount, base: string) => ({
  accountAlias: a.accountAlias,
  parentAlias: a.parentAlias,
  businessName: a.businessName,
  addressLine1: a.addressLine1,
  city: a.city,
  stateProvince: a.stateProvince,
  country: a.country,
  postalCode: a.postalCode,
  status: a.status,
  isDemo: a.isDemo,
  isInternal: a.isInternal,
  isReseller: a.isReseller,
  links: [
    { rel: "self", href: `${base}/v2/accounts/${a.accountAlias}` },
    ...(a.parentAlias ? [{ rel: "parentAccount", href: `${base}/v2/accounts/${a.parentAlias}` }] : []),
  ],
});

/**
 * The partner cloud's API v2 (product inventory §3.3): login returning a bearer token good for two weeks, the
 * accounts a user can reach (their own and every sub-account), and invoices to which Partner Cloud posts its
 * consolidated line items (a call of our own design: the public API only reads invoices).
 */
export function partnerCloudRoutes(
  app: FastifyInstance,
  deps: { world: PartnerCloudWorld; baseUrl: () => string },
) {
  const { world } = deps;
  const tokens = new Map<string, { userName: string; expiresAt: number }>();

  function caller(req: FastifyRequest, reply: FastifyReply) {
    const token = req.headers.authorization?.startsWith("Bearer ")
      ? req.headers.authorization.slice(7).trim()
      : "";
    const session = tokens.get(token);
    const user = session && session.expiresAt > Date.now() ? world.user(session.userName) : undefined;
    if (!user) void reply.code(401).send({ message: "Authorization has been denied for this request." });
    return user;
  }

  function reachable(req: FastifyRequest, reply: FastifyReply, alias: string) {
    const user = caller(req, reply);
    if (!user) return undefined;
    const account = world.subtree(user.accountAlias).find((a) => a.accountAlias === alias.toUpperCase());
    if (!account)
      void reply
        .code(404)
        .send({ message: `Account '${alias}' was not found or you do not have access to it.` });
    return account;
  }

  app.post<{ Body: { username?: string; password?: string } | undefined }>(
    "/v2/authentication/login",
    async (req, reply) => {
      const user = world.user(req.body?.username ?? "");
      if (!user || !world.passwordMatches(user, req.body?.password ?? ""))
        return reply
          .code(400)
          .send({ message: "We didn't recognize the username or password you entered. Please try again." });
      const bearerToken = randomBytes(32).toString("base64url");
      tokens.set(bearerToken, { userName: user.userName, expiresAt: Date.now() + TOKEN_TTL_MS });
      return {
        userName: user.userName,
        accountAlias: user.accountAlias,
        locationAlias: "VA1",
        roles: user.roles,
        bearerToken,
      };
    },
  );

  app.get("/v2/accounts", async (req, reply) => {
    const user = caller(req, reply);
    return user
      ? { accounts: world.subtree(user.accountAlias).map((a) => accountView(a, deps.baseUrl())) }
      : reply;
  });

  app.get<{ Params: { alias: string } }>("/v2/accounts/:alias", async (req, reply) => {
    const account = reachable(req, reply, req.params.alias);
    return account ? accountView(account, deps.baseUrl()) : reply;
  });

  type InvoiceParams = { Params: { alias: string; year: string; month: string } };
  const period = (p: InvoiceParams["Params"]) => {
    const year = Number(p.year);
    const month = Number(p.month);
    return Number.isInteger(year) &&
      year >= 2000 &&
      year <= 2100 &&
      Number.isInteger(month) &&
      month >= 1 &&
      month <= 12
      ? { year, month }
      : null;
  };

  app.get<InvoiceParams>("/v2/invoice/:alias/:year/:month", async (req, reply) => {
    const account = reachable(req, reply, req.params.alias);
    if (!account) return reply;
    const p = period(req.params);
    if (!p) return reply.code(400).send({ message: "The year and month must be a valid calendar month." });
    const lines = world.invoiceLines(account.accountAlias, p.year, p.month);
    return {
      id: `${account.accountAlias}-${p.year}${String(p.month).padStart(2, "0")}`,
      terms: "Net 30 Days",
      companyName: account.businessName,
      accountAlias: account.accountAlias,
      pricingAccountAlias: account.accountAlias,
      parentAccountAlias: account.parentAlias,
      address1: account.addressLine1,
      address2: "",
      city: account.city,
      stateProvince: account.stateProvince,
      postalCode: account.postalCode,
      billingContactEmail: account.billingContactEmail,
      invoiceCCEmail: "",
      totalAmount: total(lines.map((l) => l.itemTotal)),
      invoiceDate: new Date(Date.UTC(p.year, p.month, 1)).toISOString(),
      poNumber: "",
      lineItems: lines.map(({ lineKey, ...l }) => ({
        ...l,
        ...(lineKey ? { lineKey } : {}),
        itemDetails: [],
      })),
    };
  });

  app.post<InvoiceParams & { Body: unknown }>(
    "/v2/invoice/:alias/:year/:month/lineItems",
    async (req, reply) => {
      const account = reachable(req, reply, req.params.alias);
      if (!account) return reply;
      const p = period(req.params);
      const line = LineBody.safeParse(req.body);
      if (!p || !line.success)
        return reply.code(400).send({
          message: "A line item needs quantity, description, unitCost and itemTotal (decimal strings).",
        });
      const key = req.headers["idempotency-key"];
      if (key !== undefined && (typeof key !== "string" || key.length < 1 || key.length > 200))
        return reply.code(400).send({ message: "Idempotency-Key must be 1 to 200 characters." });
      const stored = { ...line.data, lineKey: key ?? null };
      const outcome = world.addInvoiceLine(account.accountAlias, p.year, p.month, stored);
      if (outcome === "conflict")
        return reply.code(409).send({
          message: "Another line was already posted with this Idempotency-Key; use a new key for a new line.",
        });
      return reply.code(outcome === "added" ? 201 : 200).send(stored);
    },
  );
}
