import { createHash, randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { SigningKey } from "../entra/signing-key.ts";
import { verifyBearer } from "../entra/verify-token.ts";
import type { InvoiceState } from "../partner-center/invoice-state.ts";
import type { Store } from "../state/store.ts";
import { dayOf, isClosed, monthOf, previousMonth, type UsageRow, type UsageWorld } from "../usage/index.ts";
import { blobNames, jsonLinesBlob } from "./billing-blobs.ts";
import { openBillingExports, type BillingExport } from "./billing-export-state.ts";
import { graphError } from "./graph-error.ts";

const BILLING = "/v1.0/reports/partners/billing";
/** How long an export runs on the emulator's clock before its operation succeeds (or fails). */
const RUN_MS = 5_000;
const RETRY_AFTER_SECONDS = String(RUN_MS / 1000);
/** The manifest's SAS token lets the blobs be read for a day. */
const SAS_LIFETIME_MS = 86_400_000;
/** Rows per blob: an export is split into several blobs when large (partitionType "default", by line-item count). */
const ROWS_PER_BLOB = 100_000;
const ODATA_TYPE = "#microsoft.graph.partners.billing";

const AttributeSet = z.enum(["full", "basic"]).default("full");
const UnbilledBody = z.object({
  billingPeriod: z.enum(["current", "last"]),
  currencyCode: z.string().regex(/^[A-Za-z]{3}$/),
  attributeSet: AttributeSet,
});
const BilledBody = z.object({ invoiceId: z.string().min(1), attributeSet: AttributeSet });

function countOf(rows: Iterable<UsageRow>): number {
  let count = 0;
  const it = rows[Symbol.iterator]();
  while (!it.next().done) count++;
  return count;
}

/** Azure Storage's error body (XML), e.g. AuthenticationFailed for a wrong or missing SAS. */
function storageError(reply: FastifyReply, status: number, code: string, message: string) {
  const requestId = randomUUID();
  return reply
    .code(status)
    .header("content-type", "application/xml")
    .header("x-ms-request-id", requestId)
    .header("x-ms-error-code", code)
    .send(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`,
    );
}

/**
 * Microsoft Graph's asynchronous billing export (partners billing, v1.0): start an export of billed usage (by
 * invoice) or unbilled usage (current or last period, in one billing currency), poll its operation (honouring
 * Retry-After), read the manifest, and download its gzip JSON Lines blobs with the manifest's SAS token. Tokens
 * must be for Microsoft Graph, app-only or app+user; the partner is the token's tenant.
 */
export function billingExportRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    key: SigningKey;
    usage: UsageWorld;
    invoices: InvoiceState;
    now: () => number;
    baseUrl: () => string;
  },
) {
  const exports = openBillingExports(deps.store);

  const partnerOf = (req: FastifyRequest, reply: FastifyReply): string | null => {
    const auth = verifyBearer(req.headers.authorization, deps.key, ["https://graph.microsoft.com"]);
    if (auth.ok) return auth.claims.tid;
    void graphError(req, reply, 401, "InvalidAuthenticationToken", auth.message);
    return null;
  };

  function rowsOf(e: BillingExport): Iterable<UsageRow> {
    if (e.kind === "billed") return deps.invoices.billedRows(e.partnerTenantId, e.month, e.currencyCode);
    // Once the month is invoiced its usage is billed: nothing is left unbilled.
    if (isClosed(e.month, e.asOf)) return [];
    return deps.usage.arrivedRows(e.partnerTenantId, e.month, e.asOf, { currency: e.currencyCode });
  }

  /** Runs the export once its time has come: a manifest when there are rows, "No data available" when none. */
  function settle(e: BillingExport): BillingExport {
    if (e.outcome !== null || deps.now() < e.createdAt + RUN_MS) return e;
    const rowCount = countOf(rowsOf(e));
    const settled =
      rowCount === 0
        ? exports.fail(e.id, deps.now())
        : exports.succeed(
            e.id,
            {
              rowCount,
              blobNames: blobNames(rowCount, ROWS_PER_BLOB),
              eTag: createHash("sha256").update(`${e.id}|${e.asOf}|${rowCount}`).digest("hex").slice(0, 16),
            },
            deps.now(),
            SAS_LIFETIME_MS,
          );
    return settled ?? e;
  }

  const accepted = (reply: FastifyReply, e: BillingExport) =>
    reply
      .code(202)
      .header("location", `${deps.baseUrl()}${BILLING}/operations/${e.id}`)
      .header("retry-after", RETRY_AFTER_SECONDS)
      .send();

  app.post<{ Body: unknown }>(`${BILLING}/usage/unbilled/export`, async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const body = UnbilledBody.safeParse(req.body ?? {});
    if (!body.success)
      return graphError(
        req,
        reply,
        400,
        "BadRequest",
        "The body must be {billingPeriod: 'current' | 'last', currencyCode: e.g. 'USD', attributeSet?: 'full' | 'basic'}.",
      );
    const current = monthOf(dayOf(deps.now()));
    const e = exports.start(
      {
        partnerTenantId: partner,
        kind: "unbilled",
        month: body.data.billingPeriod === "current" ? current : previousMonth(current),
        currencyCode: body.data.currencyCode.toUpperCase(),
        invoiceNumber: "",
        attributeSet: body.data.attributeSet,
        asOf: deps.now(),
      },
      deps.now(),
    );
    return accepted(reply, e);
  });

  app.post<{ Body: unknown }>(`${BILLING}/usage/billed/export`, async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const body = BilledBody.safeParse(req.body ?? {});
    if (!body.success)
      return graphError(
        req,
        reply,
        400,
        "BadRequest",
        "The body must be {invoiceId: e.g. 'G016907411', attributeSet?: 'full' | 'basic'}.",
      );
    const invoice = deps.invoices.invoice(partner, body.data.invoiceId);
    if (!invoice)
      return graphError(
        req,
        reply,
        404,
        "NotFound",
        `Invoice ${body.data.invoiceId} was not found for this partner.`,
      );
    const e = exports.start(
      {
        partnerTenantId: partner,
        kind: "billed",
        month: invoice.month,
        currencyCode: invoice.currencyCode,
        invoiceNumber: invoice.id,
        attributeSet: body.data.attributeSet,
        asOf: deps.now(),
      },
      deps.now(),
    );
    return accepted(reply, e);
  });

  app.get<{ Params: { id: string } }>(`${BILLING}/operations/:id`, async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const found = exports.ofPartner(partner, req.params.id);
    if (!found) return graphError(req, reply, 404, "NotFound", `No billing operation ${req.params.id}.`);
    const e = settle(found);
    const base = {
      id: e.id,
      createdDateTime: new Date(e.createdAt).toISOString(),
      lastActionDateTime: new Date(e.outcome?.completedAt ?? deps.now()).toISOString(),
    };
    if (e.outcome === null) {
      void reply.header("retry-after", RETRY_AFTER_SECONDS);
      return { "@odata.type": `${ODATA_TYPE}.runningOperation`, ...base, status: "running" };
    }
    if (e.outcome.status === "failed")
      return {
        "@odata.type": `${ODATA_TYPE}.failedOperation`,
        ...base,
        status: "failed",
        error: { code: "5000", message: "No data available" },
      };
    return {
      "@odata.type": `${ODATA_TYPE}.exportSuccessOperation`,
      ...base,
      status: "succeeded",
      "resourceLocation@odata.navigationLink": `${deps.baseUrl()}${BILLING}/manifests/${e.outcome.manifestId}`,
    };
  });

  app.get<{ Params: { id: string } }>(`${BILLING}/manifests/:id`, async (req, reply) => {
    const partner = partnerOf(req, reply);
    if (partner === null) return reply;
    const e = exports.byManifest(req.params.id);
    if (!e || e.partnerTenantId !== partner || e.outcome?.status !== "succeeded")
      return graphError(req, reply, 404, "NotFound", `No billing manifest ${req.params.id}.`);
    const o = e.outcome;
    const sasToken = new URLSearchParams({
      sv: "2023-11-03",
      sr: "d",
      sig: o.sasSignature,
      se: new Date(o.sasExpiresAt).toISOString().slice(0, 19) + "Z",
      sp: "rl",
    }).toString();
    return {
      "@odata.type": `${ODATA_TYPE}.manifest`,
      id: o.manifestId,
      schemaVersion: "2",
      dataFormat: "compressedJSONLines",
      createdDateTime: new Date(o.completedAt).toISOString(),
      eTag: o.eTag,
      partnerTenantId: e.partnerTenantId,
      rootDirectory: `${deps.baseUrl()}/_blobs/billing/${o.manifestId}`,
      sasToken,
      partitionType: "default",
      blobCount: o.blobNames.length,
      blobs: o.blobNames.map((name) => ({ name, partitionValue: "default" })),
    };
  });

  app.get<{ Params: { manifestId: string; blob: string }; Querystring: { sig?: string } }>(
    "/_blobs/billing/:manifestId/:blob",
    async (req, reply) => {
      const e = exports.byManifest(req.params.manifestId);
      const o = e?.outcome?.status === "succeeded" ? e.outcome : null;
      if (!e || !o)
        return storageError(reply, 404, "ResourceNotFound", "The specified resource does not exist.");
      if (req.query.sig !== o.sasSignature || deps.now() >= o.sasExpiresAt)
        return storageError(
          reply,
          403,
          "AuthenticationFailed",
          "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
        );
      const index = o.blobNames.indexOf(req.params.blob);
      if (index < 0) return storageError(reply, 404, "BlobNotFound", "The specified blob does not exist.");
      const from = index * ROWS_PER_BLOB;
      const slice: UsageRow[] = [];
      let i = 0;
      for (const row of rowsOf(e)) {
        if (i >= from + ROWS_PER_BLOB) break;
        if (i++ >= from) slice.push(row);
      }
      return reply
        .header("content-type", "application/octet-stream")
        .header("x-ms-blob-type", "BlockBlob")
        .send(jsonLinesBlob(slice, e.attributeSet, e.invoiceNumber));
    },
  );
}
