import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { TokenSource } from "../entra/index.ts";
import {
  retryAfterMs,
  withRetry,
  type HttpClient,
  type HttpMethod,
  type HttpResponse,
  type RetryPolicy,
  type RetryTools,
} from "../http/index.ts";
import type { UsageLineItem } from "../partner-center/index.ts";
import { BlobDownloadFailed, blobLines } from "./blob-lines.ts";
import { graphErrorOf } from "./graph-errors.ts";
import type { AccessAssignment, DelegatedAdminRelationship, Graph, GraphError } from "./port.ts";
import { usageFromExportLine } from "./usage-row.ts";

const GRAPH = "https://graph.microsoft.com";
const RELATIONSHIPS = "/v1.0/tenantRelationships/delegatedAdminRelationships";
const BILLING = "/v1.0/reports/partners/billing";
/** When an export's operation gives no Retry-After, look again after this long. */
const DEFAULT_POLL_MS = 10_000;

export type GraphDeps = {
  /** A client for Microsoft Graph's base URL (https://graph.microsoft.com, or the emulator). */
  readonly http: HttpClient;
  readonly tokens: Pick<TokenSource, "appToken">;
  readonly partnerTenantId: string;
  readonly clock: Clock;
  /** Extra CA (PEM) for the export's blob host; the billing blobs live outside Graph (Azure Storage). */
  readonly blobCa?: string | undefined;
  /** Relationships per page ($top); Graph's default when unset. */
  readonly relationshipsPageSize?: number;
  /** How long an export may run before we give up (default 30 minutes). */
  readonly exportDeadlineMs?: number;
  readonly retry?: { readonly policy?: Partial<RetryPolicy>; readonly tools?: Partial<RetryTools> };
};

/** Thrown by the export iterables when the export fails: they cannot return a Result mid-way. */
export class GraphFailure extends Error {
  override readonly name = "GraphFailure";
  readonly error: GraphError;

  constructor(error: GraphError) {
    super(error.message);
    this.error = error;
  }
}

const RelationshipShape = z.object({
  id: z.string(),
  displayName: z.string(),
  status: z.string(),
  duration: z.string(),
  autoExtendDuration: z.string().default("PT0S"),
  customer: z.object({ tenantId: z.string().nullish() }).nullish(),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string() })) }),
  activatedDateTime: z.string().nullish(),
  endDateTime: z.string().nullish(),
});

const AssignmentShape = z.object({
  id: z.string(),
  status: z.string(),
  accessContainer: z.object({ accessContainerId: z.string() }),
  accessDetails: z.object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string() })) }),
});

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ value: z.array(item), "@odata.nextLink": z.string().optional() });

const OperationShape = z.object({
  status: z.string(),
  "resourceLocation@odata.navigationLink": z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullish(),
});

const ManifestShape = z.object({
  rootDirectory: z.string(),
  sasToken: z.string(),
  blobs: z.array(z.object({ name: z.string() })),
});

const toRelationship = (r: z.infer<typeof RelationshipShape>): DelegatedAdminRelationship => ({
  relationshipId: r.id,
  displayName: r.displayName,
  status: r.status,
  customerTenantId: r.customer?.tenantId ?? null,
  roleIds: r.accessDetails.unifiedRoles.map((x) => x.roleDefinitionId),
  duration: r.duration,
  // PT0S / P0D: no auto-extension; P180D: extend by 180 days (B8.3).
  autoExtend: r.autoExtendDuration === "P180D",
  activatedAt: r.activatedDateTime ?? null,
  endsAt: r.endDateTime ?? null,
});

const toAssignment = (relationshipId: string, a: z.infer<typeof AssignmentShape>): AccessAssignment => ({
  assignmentId: a.id,
  relationshipId,
  securityGroupId: a.accessContainer.accessContainerId,
  roleIds: a.accessDetails.unifiedRoles.map((x) => x.roleDefinitionId),
  status: a.status,
});

type Call = {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** Whether repeating the call after no answer is harmless (reads; writes we look for before repeating). */
  repeatable: boolean;
};

type Answer = { status: number; headers: HttpResponse["headers"]; body: unknown };

/** Quotes a value for OData `$filter` (a quote inside is doubled). */
const odata = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * Microsoft Graph: GDAP relationships (B8.3) and the partner billing usage export (B9.2), with the partner
 * application's app-only token. Reads retry after timeouts, 429 and 5xx honouring Retry-After; creates are made
 * idempotent by looking first (relationships by display name, assignments by security group), since Graph takes no
 * idempotency key.
 */
export function createGraph(deps: GraphDeps): Graph {
  async function send(call: Call): Promise<Result<Answer, GraphError>> {
    const clientRequestId = randomUUID();
    let tokenError: GraphError | null = null;
    const outcome = await withRetry(
      async () => {
        const token = await deps.tokens.appToken(deps.partnerTenantId, GRAPH);
        if (!token.ok) {
          tokenError = {
            code: token.error.retryable ? "graph_unavailable" : "graph_sign_in_failed",
            message: `No token for Microsoft Graph: ${token.error.message}`,
            retryable: token.error.retryable,
            details: {
              status: null,
              graphCode: null,
              graphMessage: null,
              clientRequestId,
              requestId: null,
              entraCode: token.error.code,
            },
          };
          return null;
        }
        return deps.http.request({
          method: call.method,
          path: call.path,
          ...(call.query ? { query: call.query } : {}),
          ...(call.json === undefined ? {} : { json: call.json }),
          headers: { authorization: `Bearer ${token.value.token}`, "client-request-id": clientRequestId },
        });
      },
      (o) => {
        if (o === null) return { retry: false };
        if (!o.ok) return { retry: call.repeatable };
        const { status, headers } = o.value;
        // 429 and 503 were not acted on: safe to repeat even for a write. Other 5xx only for repeatable calls.
        if (status !== 429 && status !== 503 && !(call.repeatable && status >= 500)) return { retry: false };
        const afterMs = retryAfterMs(headers, deps.clock.now());
        return afterMs === undefined ? { retry: true } : { retry: true, afterMs };
      },
      deps.retry,
    );
    if (outcome === null)
      return err(
        tokenError ??
          graphErrorOf({
            status: null,
            body: undefined,
            clientRequestId,
            requestId: null,
            retryAfterSeconds: null,
          }),
      );
    if (!outcome.ok)
      return err(
        graphErrorOf({
          status: null,
          body: undefined,
          clientRequestId,
          requestId: null,
          retryAfterSeconds: null,
        }),
      );
    const { status, headers, json } = outcome.value;
    if (status >= 200 && status < 300) return ok({ status, headers, body: json });
    const waitMs = retryAfterMs(headers, deps.clock.now());
    return err(
      graphErrorOf({
        status,
        body: json,
        clientRequestId,
        requestId: headers["request-id"] ?? null,
        retryAfterSeconds: waitMs === undefined ? null : Math.ceil(waitMs / 1000),
      }),
    );
  }

  async function read<S extends z.ZodType>(
    path: string,
    shape: S,
    query?: Call["query"],
  ): Promise<Result<z.infer<S>, GraphError>> {
    const answer = await send({ method: "GET", path, ...(query ? { query } : {}), repeatable: true });
    return answer.ok ? ok(shape.parse(answer.value.body)) : answer;
  }

  /** Every page of a collection: follow `@odata.nextLink` as given until there is none. */
  async function readAll<S extends z.ZodType>(
    path: string,
    item: S,
    query?: Call["query"],
  ): Promise<Result<z.infer<S>[], GraphError>> {
    const shape = pageOf(item);
    const items: z.infer<S>[] = [];
    let page: Result<z.infer<typeof shape>, GraphError> = await read(path, shape, query);
    for (;;) {
      if (!page.ok) return page;
      items.push(...page.value.value);
      const next = page.value["@odata.nextLink"];
      if (!next) return ok(items);
      page = await read(next, shape);
    }
  }

  const relationship = async (id: string) => {
    const r = await read(`${RELATIONSHIPS}/${encodeURIComponent(id)}`, RelationshipShape);
    return r.ok ? ok(toRelationship(r.value)) : r;
  };

  const byDisplayName = async (displayName: string) => {
    const found = await readAll(RELATIONSHIPS, RelationshipShape, {
      $filter: `displayName eq ${odata(displayName)}`,
    });
    return found.ok ? ok(found.value.map(toRelationship)[0] ?? null) : found;
  };

  /** Posts a relationship request (B8.3: lockForApproval, terminate) unless `done` already holds. */
  async function request(
    id: string,
    action: "lockForApproval" | "terminate",
    done: (status: string) => boolean,
  ): Promise<Result<DelegatedAdminRelationship, GraphError>> {
    const current = await relationship(id);
    if (!current.ok || done(current.value.status)) return current;
    const posted = await send({
      method: "POST",
      path: `${RELATIONSHIPS}/${encodeURIComponent(id)}/requests`,
      json: { action },
      repeatable: false,
    });
    if (!posted.ok) {
      // No answer: the request may have been taken. Read the relationship again before calling it a failure.
      const after = await relationship(id);
      return after.ok && done(after.value.status) ? after : posted;
    }
    return relationship(id);
  }

  /** Starts an export, waits for it honouring Retry-After, then streams every blob's rows. */
  async function* exportRows(path: string, body: unknown): AsyncGenerator<UsageLineItem> {
    const started = await send({ method: "POST", path, json: body, repeatable: false });
    if (!started.ok) throw new GraphFailure(started.error);
    const location = started.value.headers["location"];
    if (!location) throw new Error("Microsoft Graph accepted the export without a Location to poll.");
    const sleep = deps.retry?.tools?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const deadline = deps.clock.now().getTime() + (deps.exportDeadlineMs ?? 30 * 60_000);
    let wait = retryAfterMs(started.value.headers, deps.clock.now()) ?? DEFAULT_POLL_MS;
    let manifestUrl: string | null = null;
    while (manifestUrl === null) {
      if (deps.clock.now().getTime() + wait > deadline)
        throw new GraphFailure(
          exportFailed("The billing export did not finish in time; start it again later.", true),
        );
      await sleep(wait);
      const polled = await send({ method: "GET", path: location, repeatable: true });
      if (!polled.ok) throw new GraphFailure(polled.error);
      const operation = OperationShape.parse(polled.value.body);
      if (operation.status === "succeeded") {
        const link = operation["resourceLocation@odata.navigationLink"];
        if (!link) throw new Error("A succeeded billing export named no manifest.");
        manifestUrl = link;
      } else if (operation.status === "failed") {
        // "5000 No data available" is an empty export, not a failure (partners-billing-operation-get).
        if (operation.error?.code === "5000") return;
        throw new GraphFailure(
          exportFailed(`The billing export failed: ${operation.error?.message ?? "no reason given"}.`, false),
        );
      } else wait = retryAfterMs(polled.value.headers, deps.clock.now()) ?? DEFAULT_POLL_MS;
    }
    const manifest = await read(manifestUrl, ManifestShape);
    if (!manifest.ok) throw new GraphFailure(manifest.error);
    const { rootDirectory, sasToken, blobs } = manifest.value;
    for (const blob of blobs) {
      const url = `${rootDirectory.replace(/\/+$/, "")}/${blob.name}?${sasToken}`;
      try {
        for await (const line of blobLines(url, { ca: deps.blobCa, timeoutMs: 120_000 }))
          yield usageFromExportLine(line);
      } catch (e) {
        if (!(e instanceof BlobDownloadFailed)) throw e;
        throw new GraphFailure(exportFailed(e.message, e.status === null || e.status >= 500));
      }
    }
  }

  const exportFailed = (message: string, retryable: boolean): GraphError => ({
    code: "billing_export_failed",
    message,
    retryable,
    details: { status: null, graphCode: null, graphMessage: null, clientRequestId: "", requestId: null },
  });

  return {
    createDelegatedAdminRelationship: async (input) => {
      // Display names are unique per partner: look first, so a repeated step adopts what the first one made.
      const existing = await byDisplayName(input.displayName);
      if (!existing.ok) return existing;
      if (existing.value) return ok(existing.value);
      const created = await send({
        method: "POST",
        path: RELATIONSHIPS,
        repeatable: false,
        json: {
          displayName: input.displayName,
          duration: input.duration,
          autoExtendDuration: input.autoExtend ? "P180D" : "PT0S",
          ...(input.customer ? { customer: input.customer } : {}),
          accessDetails: { unifiedRoles: input.roleIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        },
      });
      if (created.ok) return ok(toRelationship(RelationshipShape.parse(created.value.body)));
      if (created.error.code !== "graph_unavailable") return created;
      const again = await byDisplayName(input.displayName);
      return again.ok && again.value ? ok(again.value) : created;
    },

    lockForApproval: (id) => request(id, "lockForApproval", (s) => s !== "created"),

    relationship,

    relationships: async (filter) => {
      const found = await readAll(RELATIONSHIPS, RelationshipShape, {
        $filter: filter?.customerTenantId
          ? `customer/tenantId eq ${odata(filter.customerTenantId)}`
          : undefined,
        $top: deps.relationshipsPageSize,
      });
      return found.ok ? ok(found.value.map(toRelationship)) : found;
    },

    createAccessAssignment: async (relationshipId, input) => {
      const path = `${RELATIONSHIPS}/${encodeURIComponent(relationshipId)}/accessAssignments`;
      const existing = await readAll(path, AssignmentShape);
      if (!existing.ok) return existing;
      const mine = existing.value.find(
        (a) =>
          a.accessContainer.accessContainerId.toLowerCase() === input.securityGroupId.toLowerCase() &&
          a.status !== "deleted" &&
          a.status !== "deleting",
      );
      if (mine) return ok(toAssignment(relationshipId, mine));
      const created = await send({
        method: "POST",
        path,
        repeatable: false,
        json: {
          accessContainer: { accessContainerId: input.securityGroupId, accessContainerType: "securityGroup" },
          accessDetails: { unifiedRoles: input.roleIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        },
      });
      return created.ok
        ? ok(toAssignment(relationshipId, AssignmentShape.parse(created.value.body)))
        : created;
    },

    terminate: (id) =>
      request(id, "terminate", (s) =>
        ["terminationRequested", "terminating", "terminated", "expired"].includes(s),
      ),

    exportUnbilledUsage: ({ period, currency }) =>
      exportRows(`${BILLING}/usage/unbilled/export`, {
        billingPeriod: period === "current" ? "current" : "last",
        currencyCode: currency,
        attributeSet: "full",
      }),

    exportBilledUsage: (invoiceId) =>
      exportRows(`${BILLING}/usage/billed/export`, { invoiceId, attributeSet: "full" }),
  };
}
