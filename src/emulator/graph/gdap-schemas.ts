import { z } from "zod";
import { GDAP_ROLES } from "./gdap-roles.ts";
import { durationDays } from "./gdap-store.ts";

const roles = z
  .array(z.object({ roleDefinitionId: z.string() }), { error: "must be a list of { roleDefinitionId }" })
  .min(1, { error: "must name at least one role" })
  .refine((list) => list.every((r) => GDAP_ROLES[r.roleDefinitionId.toLowerCase()] !== undefined), {
    error: "names a role that is not a known Microsoft Entra built-in role template id",
  });

const duration = z.string().refine(
  (d) => {
    const days = durationDays(d);
    return days !== undefined && days >= 1 && days <= 730;
  },
  { error: "must be an ISO 8601 duration from P1D to P730D (P2Y)" },
);

/** `PT0S` (the default) and `P0D` mean no auto-extension; `P180D` is the only extension Microsoft offers. */
const autoExtend = z.enum(["PT0S", "P0D", "P180D"], { error: "must be PT0S, P0D or P180D" });

export const CreateRelationship = z.object({
  displayName: z
    .string({ error: "is required" })
    .trim()
    .min(1, { error: "is required" })
    .max(50, { error: "must be 50 characters or fewer" }),
  duration,
  autoExtendDuration: autoExtend.optional(),
  customer: z
    .object({
      tenantId: z.guid({ error: "must be a tenant id (GUID)" }).optional(),
      displayName: z.string().optional(),
    })
    .optional(),
  accessDetails: z.object({ unifiedRoles: roles }, { error: "is required" }),
});

export const PatchRelationship = CreateRelationship.partial().strict();

export const CreateRequest = z.object({
  action: z.enum(["lockForApproval", "terminate"], { error: "must be lockForApproval or terminate" }),
});

export const CreateAssignment = z.object({
  accessContainer: z.object(
    {
      accessContainerId: z.guid({
        error: "must be the object id (GUID) of a security group in the partner tenant",
      }),
      accessContainerType: z.literal("securityGroup", { error: "must be securityGroup" }),
    },
    { error: "is required" },
  ),
  accessDetails: z.object({ unifiedRoles: roles }, { error: "is required" }),
});

export const PatchAssignment = z.object({
  accessDetails: z.object({ unifiedRoles: roles }, { error: "is required" }),
});

/** The first problem of a body, naming the property as Graph's messages do. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "The request body is not valid.";
  const property = issue.path.join(".") || "body";
  if (issue.code === "unrecognized_keys") return `Property '${issue.keys.join("', '")}' cannot be changed.`;
  return `Invalid value for property '${property}': ${issue.message}.`;
}
