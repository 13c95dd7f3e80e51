import type { AppError, Result } from "../../platform/result.ts";
import type { UsageLineItem } from "../partner-center/index.ts";

/** A granular delegated admin (GDAP) relationship's life (microsoft-apis.md §B8.3). */
export type RelationshipStatus =
  | "created"
  | "approvalPending"
  | "approved"
  | "activating"
  | "active"
  | "expiring"
  | "expired"
  | "terminationRequested"
  | "terminating"
  | "terminated";

export type DelegatedAdminRelationship = {
  readonly relationshipId: string;
  /** Unique among the partner's relationships: our idempotency key for creating one. */
  readonly displayName: string;
  readonly status: RelationshipStatus | (string & {});
  /** Null until the customer approves a relationship created without naming a customer. */
  readonly customerTenantId: string | null;
  /** Entra role template ids the partner asks for. */
  readonly roleIds: readonly string[];
  /** ISO 8601, e.g. "P730D". */
  readonly duration: string;
  readonly autoExtend: boolean;
  readonly activatedAt: string | null;
  readonly endsAt: string | null;
};

export type NewRelationship = {
  readonly displayName: string;
  readonly duration: string;
  readonly roleIds: readonly string[];
  /** Extend by 180 days at a time (not allowed with Global Administrator). */
  readonly autoExtend: boolean;
  readonly customer?: { readonly tenantId: string; readonly displayName: string };
};

export type AccessAssignment = {
  readonly assignmentId: string;
  readonly relationshipId: string;
  /** A security group in the partner's tenant. */
  readonly securityGroupId: string;
  readonly roleIds: readonly string[];
  readonly status: string;
};

export type GraphErrorCode =
  | "graph_not_found"
  | "graph_forbidden"
  | "graph_sign_in_failed"
  | "graph_rejected"
  | "graph_conflict"
  | "graph_throttled"
  | "graph_unavailable"
  | "billing_export_failed";

/** A failure of a Microsoft Graph call in our words, keeping Graph's code and request id for support. */
export type GraphError = AppError & {
  readonly code: GraphErrorCode;
  readonly details: {
    readonly status: number | null;
    readonly graphCode: string | null;
    readonly graphMessage: string | null;
    /** The client-request-id we sent, and Graph's request-id when it answered. */
    readonly clientRequestId: string;
    readonly requestId: string | null;
    readonly retryAfterSeconds?: number;
    readonly entraCode?: string;
  };
};

type Answer<T> = Promise<Result<T, GraphError>>;

/** Our port to Microsoft Graph: GDAP relationships and the partner billing usage export. */
export type Graph = {
  /** Creates the relationship, or returns the partner's relationship that already has this display name. */
  createDelegatedAdminRelationship(input: NewRelationship): Answer<DelegatedAdminRelationship>;
  /** Locks a created relationship for the customer's approval; one already past `created` is returned as is. */
  lockForApproval(relationshipId: string): Answer<DelegatedAdminRelationship>;
  relationship(relationshipId: string): Answer<DelegatedAdminRelationship>;
  /** Every relationship of the partner (all pages), optionally only those with one customer. */
  relationships(filter?: { customerTenantId?: string }): Answer<DelegatedAdminRelationship[]>;
  /** Gives a partner security group some of an active relationship's roles; an existing one for the group is returned. */
  createAccessAssignment(
    relationshipId: string,
    input: { securityGroupId: string; roleIds: readonly string[] },
  ): Answer<AccessAssignment>;
  /** Asks Microsoft to end an active relationship; one already ending or ended is returned as is. */
  terminate(relationshipId: string): Answer<DelegatedAdminRelationship>;
  /**
   * The partner's unbilled usage of a period in one billing currency, through the asynchronous export (start,
   * poll honouring Retry-After, read the manifest, download every blob). Failures throw GraphFailure.
   */
  exportUnbilledUsage(query: {
    period: "current" | "previous";
    currency: string;
  }): AsyncIterable<UsageLineItem>;
  /** The usage billed on one invoice, through the same export. Failures throw GraphFailure. */
  exportBilledUsage(invoiceId: string): AsyncIterable<UsageLineItem>;
};
