import { z } from "zod";
import { idPattern, type IdKind } from "../platform/ids.ts";
import { PageQuery } from "../platform/pagination.ts";

/** Field schemas whose messages name the field and say how to fix it. */
export const text = (field: string, max = 100) =>
  z
    .string({ error: `${field} is required: give text of 1 to ${max} characters` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

export const email = (field = "email") =>
  z
    .string({ error: `${field} is required: give an e-mail address` })
    .trim()
    .max(254, `${field} must be at most 254 characters`)
    .pipe(z.email(`${field} must be an e-mail address such as ada@example.com`));

export const password = (field = "password") =>
  z
    .string({ error: `${field} is required: choose a password of at least 12 characters` })
    .min(12, `${field} must be at least 12 characters`)
    .max(200, `${field} must be at most 200 characters`);

const examples: Record<IdKind, string> = {
  partner: "ptn_…",
  user: "usr_…",
  organization: "org_…",
  costCenter: "cc_…",
  workspace: "ws_…",
  invitation: "ivt_…",
  apiToken: "tok_…",
  audit: "aud_…",
  mail: "mail_…",
  billingAccount: "ba_…",
  termsAcceptance: "tac_…",
  workflowRun: "wf_…",
  provider: "prv_…",
  shutdownRequest: "sdr_…",
  driftFinding: "dft_…",
  webhook: "wh_…",
  webhookEvent: "evt_…",
  webhookDelivery: "whd_…",
  azureCustomer: "azc_…",
  microsoftSignIn: "msi_…",
  technicalTask: "tsk_…",
  usageImport: "uim_…",
  pricePlan: "pp_…",
  invoice: "inv_…",
};

export const id = (kind: IdKind, field: string) =>
  z
    .string({ error: `${field} is required` })
    .regex(
      idPattern(kind),
      `${field} must be an id like ${examples[kind]} (copy it from the list that shows it)`,
    );

export const orgRole = z.enum(["admin", "member"], { error: "orgRole must be 'admin' or 'member'" });

export const workspaceRole = z.enum(["visitor", "user", "author", "admin"], {
  error: "role must be one of visitor, user, author, admin",
});

export const pageQuery = PageQuery;

export const strict = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `${iss.keys.join(", ")} is not a field of this request; remove it`
        : undefined,
  });

const at = z.date();

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    reasons: z
      .unknown()
      .optional()
      .describe("Why a billing account is not eligible, each with the way forward"),
    suggestions: z.unknown().optional().describe("Addresses Microsoft suggests instead of the one given"),
  }),
});

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  orgId: z.string().nullable(),
  orgRole: orgRole.nullable(),
  isOperator: z.boolean(),
  status: z.enum(["active", "disabled"]),
  createdAt: at,
});

export const SessionSchema = z.object({
  user: UserSchema,
  csrfToken: z.string(),
  expiresAt: at,
  idleExpiresAt: at,
});

export const OrganizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: at,
  costCenterCount: z.number(),
  workspaceCount: z.number(),
  userCount: z.number(),
});

export const CostCenterSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  name: z.string(),
  isDefault: z.boolean(),
  createdAt: at,
  admins: z.array(z.object({ userId: z.string(), name: z.string(), email: z.string() })),
});

export const WorkspaceSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  costCenterId: z.string(),
  name: z.string(),
  kind: z.enum(["personal", "team"]),
  icon: z.string().nullable(),
  ownerUserId: z.string().nullable(),
  createdAt: at,
  myRole: workspaceRole.nullable(),
});

export const MemberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: workspaceRole,
});

export const InvitationSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  email: z.string(),
  orgRole,
  workspaceId: z.string().nullable(),
  workspaceRole: workspaceRole.nullable(),
  status: z.enum(["pending", "accepted", "revoked", "expired"]),
  expiresAt: at,
  createdAt: at,
  invitedBy: z.string(),
});

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(["read", "write"]),
  prefix: z.string(),
  createdAt: at,
  lastUsedAt: at.nullable(),
  expiresAt: at.nullable(),
  revokedAt: at.nullable(),
});

export const AuditEventSchema = z.object({
  id: z.string(),
  at,
  actorId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorKind: z.enum(["user", "token", "system"]),
  orgId: z.string().nullable(),
  costCenterId: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const ContextsSchema = z.object({
  organizations: z.array(
    z.object({ id: z.string(), name: z.string(), role: z.enum(["admin", "member", "operator"]) }),
  ),
  costCenters: z.array(z.object({ id: z.string(), orgId: z.string(), name: z.string() })),
  workspaces: z.array(
    z.object({
      id: z.string(),
      orgId: z.string(),
      costCenterId: z.string(),
      name: z.string(),
      kind: z.enum(["personal", "team"]),
      role: workspaceRole,
    }),
  ),
  favorites: z.array(z.string()),
});

export const pageOfSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** Standard error responses for the OpenAPI document. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
} as const;
