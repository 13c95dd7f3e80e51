import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { toPage } from "../../platform/pagination.ts";
import { appError } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { sendError } from "../http-errors.ts";
import { callerOf, respond } from "../respond.ts";
import { ErrorSchema, errorResponses, id, pageOfSchema, pageQuery, strict } from "../schemas.ts";
import { month } from "./calendar-fields.ts";

/** The largest usage file the API takes; bigger months are imported with `pcloud usage import`. */
const MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024;

const QuarantinedSchema = z.object({
  line: z.number().describe("The line the row starts on (the header is line 1), or a pull's row number"),
  code: z.string().describe("field_count, missing_value, not_a_number, bad_date, unknown_currency, …"),
  reason: z.string(),
});

const ImportSchema = z.object({
  id: z.string(),
  source: z.enum(["file", "partner_center", "graph"]),
  kind: z.enum(["unbilled", "billed"]),
  label: z.string(),
  microsoftInvoiceId: z.string().nullable(),
  billingPeriod: z
    .string()
    .nullable()
    .describe(
      "The billing period (YYYY-MM) the download's rows came in: its rows replace that period's rows of each day, other periods' rows (latent usage) stay. Null until publishing starts",
    ),
  state: z.enum(["staging", "publishing", "done", "failed"]),
  rowsStaged: z.number(),
  rowsQuarantined: z.number(),
  snapshotsCreated: z.number().describe("Customer-days that got a new version"),
  snapshotsUnchanged: z
    .number()
    .describe("Customer-days whose rows were already current (or already billed)"),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedBy: z.string(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
});

const ImportDetailSchema = ImportSchema.extend({
  quarantined: z.array(QuarantinedSchema).describe("The first 100 quarantined rows, by line"),
});

type ImportLike = z.infer<typeof ImportSchema> & { quarantined?: z.infer<typeof QuarantinedSchema>[] };

/** The import as the API shows it: no staging internals (offsets, keys). */
const shown = (i: ImportLike) => ({
  id: i.id,
  source: i.source,
  kind: i.kind,
  label: i.label,
  microsoftInvoiceId: i.microsoftInvoiceId,
  billingPeriod: i.billingPeriod,
  state: i.state,
  rowsStaged: i.rowsStaged,
  rowsQuarantined: i.rowsQuarantined,
  snapshotsCreated: i.snapshotsCreated,
  snapshotsUnchanged: i.snapshotsUnchanged,
  error: i.error,
  startedBy: i.startedBy,
  startedAt: i.startedAt,
  finishedAt: i.finishedAt,
  ...(i.quarantined ? { quarantined: i.quarantined } : {}),
});

const importParams = z.object({ importId: id("usageImport", "importId") });

const uploadQuery = strict({
  kind: z
    .enum(["unbilled", "billed"], { error: "kind must be unbilled or billed" })
    .optional()
    .describe("unbilled (default) or billed: billed usage makes its months final"),
  microsoftInvoiceId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "microsoftInvoiceId must be Microsoft's invoice number, e.g. G012345678")
    .optional()
    .describe("Microsoft's invoice the billed rows are on"),
  billingPeriod: month("billingPeriod", "2026-11")
    .optional()
    .describe(
      "The billing period the file was downloaded for (default: the latest usage month in it); give it for a download holding only latent rows of an earlier month",
    ),
});

/** Counts the bytes going through and stops the upload past the limit. */
function limited(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(Object.assign(new Error("usage file too large"), { tooLarge: true }));
      else done(null, chunk);
    },
  });
}

/**
 * Operators: Microsoft's daily rated usage in. A file's body is streamed to a temporary file (never held in
 * memory), imported, and removed; its own content type parser lives in its own plugin scope.
 */
export async function usageRoutes(app: App, deps: ApiDeps): Promise<void> {
  const { billingUsage } = deps;

  await app.register((plain, _options, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser("text/csv", (_req, payload, next) => next(null, payload));

    scope.post(
      "/api/v1/billing/usage-imports",
      {
        config: { auth: "operator" },
        schema: {
          operationId: "importUsageFile",
          tags: ["billing"],
          summary: "Import a Partner Center daily rated usage file (operators)",
          description:
            "The body is the CSV file (`Content-Type: text/csv`), streamed, up to 2 GiB. Columns are matched by " +
            "header name. The same file again returns the same import, unchanged. Rows that cannot be read are " +
            "quarantined with their line and reason; the rest is imported. 422 (usage_columns_missing, …) when " +
            "the file is not daily rated usage at all.",
          querystring: uploadQuery,
          response: {
            200: ImportDetailSchema,
            ...errorResponses,
            409: ErrorSchema,
            413: ErrorSchema,
            422: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const caller = callerOf(req);
        const dir = await mkdtemp(path.join(os.tmpdir(), "pc-usage-upload-"));
        const file = path.join(dir, `${randomUUID()}.csv`);
        try {
          try {
            // The file as text/csv, streamed; or, from a JSON client, as one JSON string.
            const body = typeof req.body === "string" ? Readable.from([req.body]) : req.body;
            if (!(body instanceof Readable))
              return sendError(
                req,
                reply,
                appError(
                  "unsupported_media_type",
                  "Send the usage file as the body, with Content-Type: text/csv.",
                ),
              );
            await pipeline(body, limited(MAX_UPLOAD_BYTES), createWriteStream(file));
          } catch (e) {
            if ((e as { tooLarge?: boolean }).tooLarge)
              return sendError(
                req,
                reply,
                appError(
                  "payload_too_large",
                  "The usage file is larger than 2 GiB: import it with pcloud usage import.",
                ),
              );
            throw e;
          }
          const imported = await billingUsage.operators.importFile(caller, file, {
            kind: req.query.kind ?? "unbilled",
            label: `Upload of ${deps.clock.now().toISOString()}`,
            ...(req.query.microsoftInvoiceId ? { microsoftInvoiceId: req.query.microsoftInvoiceId } : {}),
            ...(req.query.billingPeriod ? { billingPeriod: req.query.billingPeriod } : {}),
          });
          return respond(req, reply, imported.ok ? { ok: true, value: shown(imported.value) } : imported);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
    done();
  });

  app.get(
    "/api/v1/billing/usage-imports",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listUsageImports",
        tags: ["billing"],
        summary: "Usage imports and pulls, newest first (operators)",
        querystring: pageQuery,
        response: { 200: pageOfSchema(ImportSchema), ...errorResponses },
      },
    },
    async (req, reply) => {
      const page = await billingUsage.operators.list(callerOf(req), toPage(req.query));
      return respond(
        req,
        reply,
        page.ok
          ? { ok: true, value: { items: page.value.items.map(shown), nextCursor: page.value.nextCursor } }
          : page,
      );
    },
  );

  app.get(
    "/api/v1/billing/usage-imports/:importId",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "getUsageImport",
        tags: ["billing"],
        summary: "One usage import with its counts and first 100 quarantined rows (operators)",
        params: importParams,
        response: { 200: ImportDetailSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const found = await billingUsage.operators.get(callerOf(req), req.params.importId);
      return respond(req, reply, found.ok ? { ok: true, value: shown(found.value) } : found);
    },
  );

  app.post(
    "/api/v1/billing/usage-pulls",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "pullUnbilledUsage",
        tags: ["billing"],
        summary: "Pull Microsoft's unbilled usage now (operators)",
        description:
          "Reads the unbilled daily rated usage of the current (default) or previous period through Graph's billing " +
          "export or Partner Center (USAGE_SOURCE) and publishes it; days whose rows did not change get no new " +
          "version. 503 (microsoft_not_connected) without a Microsoft connection, 502 (usage_pull_failed) when " +
          "Microsoft fails.",
        body: strict({
          period: z
            .enum(["current", "previous"], { error: "period must be current or previous" })
            .optional()
            .describe("current (default) or previous"),
        }).optional(),
        response: { 200: ImportDetailSchema, ...errorResponses, 502: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (req, reply) => {
      const pulled = await billingUsage.operators.pullUnbilled(callerOf(req), req.body?.period ?? "current");
      return respond(req, reply, pulled.ok ? { ok: true, value: shown(pulled.value) } : pulled);
    },
  );
}
