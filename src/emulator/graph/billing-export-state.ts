import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Store } from "../state/store.ts";

/**
 * One asynchronous billing export (Graph partners billing): what was asked, the moment its data is a snapshot of,
 * and, once it has run, its manifest and the SAS signature its blobs are read with.
 */
const BillingExport = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  kind: z.enum(["unbilled", "billed"]),
  month: z.string(),
  currencyCode: z.string(),
  /** The invoice the rows carry; "" for unbilled usage. */
  invoiceNumber: z.string(),
  attributeSet: z.enum(["full", "basic"]),
  createdAt: z.number(),
  /** The usage visible at this moment is what the export contains. */
  asOf: z.number(),
  outcome: z
    .discriminatedUnion("status", [
      z.object({
        status: z.literal("succeeded"),
        completedAt: z.number(),
        manifestId: z.string(),
        rowCount: z.number().int(),
        blobNames: z.array(z.string()),
        eTag: z.string(),
        sasSignature: z.string(),
        sasExpiresAt: z.number(),
      }),
      z.object({ status: z.literal("failed"), completedAt: z.number() }),
    ])
    .nullable(),
});
export type BillingExport = z.infer<typeof BillingExport>;
export type BillingExportRequest = Omit<BillingExport, "id" | "createdAt" | "outcome">;

export function openBillingExports(store: Store) {
  const exports = store.collection("graphBillingExports", BillingExport);
  return {
    start(request: BillingExportRequest, now: number): BillingExport {
      return exports.add({ ...request, id: randomUUID(), createdAt: now, outcome: null });
    },
    ofPartner: (partnerTenantId: string, id: string) =>
      exports.find((e) => e.partnerTenantId === partnerTenantId && e.id === id.toLowerCase()),
    byManifest: (manifestId: string) =>
      exports.find(
        (e) => e.outcome?.status === "succeeded" && e.outcome.manifestId === manifestId.toLowerCase(),
      ),
    succeed(
      id: string,
      result: { rowCount: number; blobNames: string[]; eTag: string },
      now: number,
      sasLifetimeMs: number,
    ): BillingExport | undefined {
      return exports.update(
        (e) => e.id === id,
        (e) => ({
          ...e,
          outcome: {
            status: "succeeded",
            completedAt: now,
            manifestId: randomUUID(),
            ...result,
            sasSignature: randomBytes(32).toString("base64"),
            sasExpiresAt: now + sasLifetimeMs,
          },
        }),
      );
    },
    fail(id: string, now: number): BillingExport | undefined {
      return exports.update(
        (e) => e.id === id,
        (e) => ({ ...e, outcome: { status: "failed", completedAt: now } }),
      );
    },
  };
}

export type BillingExports = ReturnType<typeof openBillingExports>;
