import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SigningKey } from "../entra/signing-key.ts";
import { isAppPlusUser, verifyBearer, type TokenClaims } from "../entra/verify-token.ts";
import {
  currencySymbol,
  dayOf,
  exactJson,
  firstDayOf,
  fixed,
  isClosed,
  isoDay,
  lastDayOf,
  monthOf,
  previousMonth,
  type Month,
  type UsageRow,
  type UsageWorld,
} from "../usage/index.ts";
import type { InvoiceState, IssuedInvoice } from "./invoice-state.ts";
import { link, pcError } from "./pc-answer.ts";

/** Partner Center's page size for reconciliation line items: 2000 by default and at most (B9.1). */
const MAX_PAGE = 2000;
/** "invalid request input" (B2). */
const INVALID_INPUT = 800002;

function invoiceResource(i: IssuedInvoice) {
  const lineItems = `/invoices/${i.id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=${i.currencyCode}&size=${MAX_PAGE}`;
  return {
    id: i.id,
    invoiceDate: i.invoiceDate,
    billingPeriodStartDate: `${isoDay(firstDayOf(i.month))}T00:00:00Z`,
    billingPeriodEndDate: `${isoDay(lastDayOf(i.month))}T00:00:00Z`,
    totalCharges: fixed(i.totalCharges),
    paidAmount: 0,
    currencyCode: i.currencyCode,
    currencySymbol: currencySymbol(i.currencyCode),
    invoiceDetails: [
      {
        invoiceLineItemType: "usage_line_items",
        billingProvider: "one_time",
        links: { self: link(lineItems) },
        attributes: { objectType: "InvoiceDetail" },
      },
    ],
    amendments: [],
    documentType: "Invoice",
    invoiceType: "OneTime",
    links: { self: link(`/invoices/${i.id}`) },
    attributes: { objectType: "Invoice" },
  };
}

/** Fields of the model's rows that are not Microsoft's. */
const MODEL_ONLY = new Set(["key", "availableOnDay", "usageDay"]);

/** A row as Partner Center v1 sends it (DailyRatedUsageLineItem, B9.1); amounts stay exact decimals. */
function lineItem(row: UsageRow, invoiceNumber: string) {
  const fields = Object.fromEntries(Object.entries(row).filter(([name]) => !MODEL_ONLY.has(name)));
  return {
    ...fields,
    invoiceNumber,
    invoiceLineItemType: "usage_line_items",
    billingProvider: "azure",
    attributes: { objectType: "DailyRatedUsageLineItem" },
  };
}

type LineItemQuery = {
  provider?: string;
  invoicelineitemtype?: string;
  currencycode?: string;
  period?: string;
  size?: string;
  seekOperation?: string;
};

/** Where a page of line items resumes: after the row with this key, in this scope (invoice, or unbilled month). */
type Seek = { scope: string; after: string };

const encodeSeek = (s: Seek) => Buffer.from(JSON.stringify(s)).toString("base64url");
function decodeSeek(token: unknown): Seek | null {
  if (typeof token !== "string") return null;
  try {
    const s = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<Seek>;
    return typeof s.scope === "string" && typeof s.after === "string"
      ? { scope: s.scope, after: s.after }
      : null;
  } catch {
    return null;
  }
}

/**
 * Partner Center v1 billing (B9.1), for the calling partner's customers only: invoices (offset paging) and daily
 * rated usage line items, unbilled (`period=current|previous`) and billed (by invoice), with seek paging. Registered
 * under `/v1`, where Partner Center's hook has already checked the token and echoed MS-RequestId; the partner is
 * the token's tenant.
 */
export function billingRoutes(
  app: FastifyInstance,
  deps: {
    key: SigningKey;
    usage: UsageWorld;
    invoices: InvoiceState;
    now: () => number;
    baseUrl: () => string;
  },
) {
  const claimsOf = (req: FastifyRequest): TokenClaims | null => {
    const auth = verifyBearer(req.headers.authorization, deps.key, [
      "https://api.partnercenter.microsoft.com",
      deps.baseUrl(),
    ]);
    return auth.ok ? auth.claims : null;
  };

  /** Invoices are App+User only ("Get invoice by ID", "Get a collection of invoices"); line items take both. */
  const appPlusUserPartner = (req: FastifyRequest, reply: FastifyReply): string | null => {
    const claims = claimsOf(req);
    if (claims && isAppPlusUser(claims)) return claims.tid;
    void pcError(reply, 401, 400, "Access denied: invoices require App+User credentials (a user's token).");
    return null;
  };

  /** Checks the query every usage line item request needs; answers 400 naming the parameter when one is wrong. */
  function checkQuery(q: LineItemQuery, reply: FastifyReply): { size: number } | null {
    const bad = (name: string, rule: string) => {
      void pcError(reply, 400, INVALID_INPUT, `The query parameter '${name}' ${rule}`);
      return null;
    };
    if (q.provider?.toLowerCase() !== "onetime") return bad("provider", "is required and must be 'onetime'.");
    if (q.invoicelineitemtype?.toLowerCase() !== "usagelineitems")
      return bad("invoicelineitemtype", "is required and must be 'usagelineitems' (daily rated usage).");
    if (!/^[A-Za-z]{3}$/.test(q.currencycode ?? ""))
      return bad("currencycode", "is required: the billing currency's ISO 4217 code, e.g. USD.");
    const size = q.size === undefined ? MAX_PAGE : Number(q.size);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE)
      return bad("size", `must be a whole number from 1 to ${MAX_PAGE}.`);
    if (q.seekOperation !== undefined && q.seekOperation !== "Next")
      return bad("seekOperation", "must be 'Next' when present.");
    return { size };
  }

  /** One page of rows after the continuation token (or from the start), and the link to the next page. */
  function page(
    req: FastifyRequest<{ Querystring: LineItemQuery }>,
    reply: FastifyReply,
    opts: {
      scope: string;
      query: string;
      size: number;
      /** The rows after a key, in key order. */
      rowsAfter: (after: string) => Iterable<UsageRow>;
      invoiceNumber: string;
    },
  ) {
    let after = "";
    if (req.query.seekOperation === "Next") {
      const seek = decodeSeek(req.headers["ms-continuationtoken"]);
      if (!seek || seek.scope !== opts.scope)
        return pcError(
          reply,
          400,
          INVALID_INPUT,
          "The header 'MS-ContinuationToken' is missing or not valid for this query: copy it from links.next.headers.",
        );
      after = seek.after;
    }
    const items: UsageRow[] = [];
    let more = false;
    for (const row of opts.rowsAfter(after)) {
      if (items.length === opts.size) {
        more = true;
        break;
      }
      items.push(row);
    }
    const last = items.at(-1);
    const body = {
      totalCount: items.length,
      items: items.map((r) => lineItem(r, opts.invoiceNumber)),
      links: {
        self: link(opts.query),
        ...(more && last
          ? {
              next: link(`${opts.query}&seekOperation=Next`, [
                { key: "MS-ContinuationToken", value: encodeSeek({ scope: opts.scope, after: last.key }) },
              ]),
            }
          : {}),
      },
      attributes: { objectType: "Collection" },
    };
    return reply.type("application/json; charset=utf-8").send(exactJson(body));
  }

  app.get<{ Querystring: { size?: string; offset?: string } }>("/v1/invoices", async (req, reply) => {
    const partner = appPlusUserPartner(req, reply);
    if (partner === null) return reply;
    const size = req.query.size === undefined ? 200 : Number(req.query.size);
    const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
    if (!Number.isInteger(size) || size < 1 || size > 1000)
      return pcError(
        reply,
        400,
        INVALID_INPUT,
        "The query parameter 'size' must be a whole number from 1 to 1000.",
      );
    if (!Number.isInteger(offset) || offset < 0)
      return pcError(
        reply,
        400,
        INVALID_INPUT,
        "The query parameter 'offset' must be a whole number, 0 or more.",
      );
    const all = deps.invoices.invoicesOf(partner);
    const items = all.slice(offset, offset + size);
    const body = {
      totalCount: items.length,
      items: items.map(invoiceResource),
      links: {
        self: link(`/invoices?size=${size}&offset=${offset}`),
        ...(offset + size < all.length
          ? { next: link(`/invoices?size=${size}&offset=${offset + size}`) }
          : {}),
      },
      attributes: { objectType: "Collection" },
    };
    return reply.type("application/json; charset=utf-8").send(exactJson(body));
  });

  app.get<{ Params: { invoiceId: string } }>("/v1/invoices/:invoiceId", async (req, reply) => {
    const partner = appPlusUserPartner(req, reply);
    if (partner === null) return reply;
    const invoice = deps.invoices.invoice(partner, req.params.invoiceId);
    if (!invoice)
      return pcError(reply, 404, 1000, `Invoice ${req.params.invoiceId} was not found for this partner.`);
    return reply.type("application/json; charset=utf-8").send(exactJson(invoiceResource(invoice)));
  });

  app.get<{ Querystring: LineItemQuery }>("/v1/invoices/unbilled/lineitems", async (req, reply) => {
    const partner = claimsOf(req)?.tid ?? "";
    const checked = checkQuery(req.query, reply);
    if (!checked) return reply;
    const period = req.query.period?.toLowerCase();
    if (period !== "current" && period !== "previous")
      return pcError(
        reply,
        400,
        INVALID_INPUT,
        "The query parameter 'period' is required and must be 'current' or 'previous'.",
      );
    const currency = (req.query.currencycode ?? "").toUpperCase();
    const current = monthOf(dayOf(deps.now()));
    const month: Month = period === "current" ? current : previousMonth(current);
    const seek = req.query.seekOperation === "Next" ? decodeSeek(req.headers["ms-continuationtoken"]) : null;
    // A page continues the month its first page read, even if the month turned in between.
    const scopeMonth = seek?.scope.startsWith("unbilled:") ? (seek.scope.split(":")[1] ?? month) : month;
    const scope = `unbilled:${scopeMonth}:${currency}:${period}`;
    // Once a month is invoiced its usage is billed, no longer unbilled.
    return page(req, reply, {
      scope,
      query: `/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=${currency}&period=${period}&size=${checked.size}`,
      size: checked.size,
      rowsAfter: (after) =>
        isClosed(scopeMonth, deps.now())
          ? []
          : deps.usage.arrivedRows(partner, scopeMonth, deps.now(), { currency, after }),
      invoiceNumber: "",
    });
  });

  app.get<{ Params: { invoiceId: string }; Querystring: LineItemQuery }>(
    "/v1/invoices/:invoiceId/lineitems",
    async (req, reply) => {
      const partner = claimsOf(req)?.tid ?? "";
      const checked = checkQuery(req.query, reply);
      if (!checked) return reply;
      const invoice = deps.invoices.invoice(partner, req.params.invoiceId);
      if (!invoice)
        return pcError(reply, 404, 1000, `Invoice ${req.params.invoiceId} was not found for this partner.`);
      const currency = (req.query.currencycode ?? "").toUpperCase();
      if (currency !== invoice.currencyCode)
        return pcError(
          reply,
          400,
          INVALID_INPUT,
          `The query parameter 'currencycode' must be the invoice's currency, ${invoice.currencyCode}.`,
        );
      return page(req, reply, {
        scope: `invoice:${invoice.id}`,
        query: `/invoices/${invoice.id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=${currency}&size=${checked.size}`,
        size: checked.size,
        rowsAfter: (after) => deps.invoices.billedRows(partner, invoice.month, invoice.currencyCode, after),
        invoiceNumber: invoice.id,
      });
    },
  );
}
