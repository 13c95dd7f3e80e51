import { z } from "zod";
import { retryAfterMs } from "../http/index.ts";
import type { ArmError, ArmErrorCode } from "./port.ts";
import { TokenRefused } from "./token-credential.ts";

/** What the adapter knows about a failed ARM call, read off the SDK's RestError. */
export type ArmFailure = {
  readonly status: number | null;
  readonly microsoftCode: string | null;
  readonly message: string;
  readonly correlationId: string | null;
  readonly retryAfterSeconds: number | null;
  readonly policyAssignmentId: string | null;
};

const messages: Record<ArmErrorCode, (f: ArmFailure) => string> = {
  azure_not_found: (f) =>
    `Azure could not find it (${f.microsoftCode ?? "404"}): check the subscription id and that the customer's tenant still holds it.`,
  azure_forbidden: (f) =>
    `Azure refused the call (${f.microsoftCode ?? "403"}): Partner Cloud's application needs Owner or User Access Administrator on the subscription; grant it, then retry.`,
  azure_policy_denied: (f) =>
    `An Azure Policy assignment forbids this (${f.policyAssignmentId ?? "see Microsoft's message"}): change the assignment or the request. ${f.message}`,
  azure_assignment_conflict: () =>
    "That assignment id is already used in Azure for a different principal, role or scope: use a new assignment id.",
  azure_sign_in_failed: () =>
    "Azure Resource Manager refused Partner Cloud's token: check that the application is consented in the customer's tenant and its secret is current.",
  azure_request_rejected: (f) =>
    `Azure rejected the request (${f.microsoftCode ?? String(f.status ?? "")}): ${f.message}`,
  azure_throttled: (f) =>
    `Azure is throttling Partner Cloud's calls; retry after ${f.retryAfterSeconds ?? "a few"} seconds.`,
  azure_unavailable: () => "Azure Resource Manager did not answer in time or failed; retry later.",
};

function codeOf(f: ArmFailure): ArmErrorCode {
  const status = f.status;
  if (status === null || status === 408 || status >= 500) return "azure_unavailable";
  if (status === 429) return "azure_throttled";
  if (status === 401) return "azure_sign_in_failed";
  // Azure Policy's deny effect answers 403 RequestDisallowedByPolicy (learn: error-policy-requestdisallowedbypolicy).
  if (status === 403 && f.microsoftCode === "RequestDisallowedByPolicy") return "azure_policy_denied";
  if (status === 403) return "azure_forbidden";
  if (status === 404) return "azure_not_found";
  // A role assignment's name cannot be reused for another principal, role or scope.
  if (status === 409 && f.microsoftCode === "RoleAssignmentUpdateNotPermitted")
    return "azure_assignment_conflict";
  return "azure_request_rejected";
}

/** Classifies a failed ARM call: throttling, 5xx and no answer are retryable; other 4xx are not. */
export function classifyArmFailure(f: ArmFailure): ArmError {
  const code = codeOf(f);
  return {
    code,
    message: messages[code](f),
    retryable: code === "azure_throttled" || code === "azure_unavailable",
    details: {
      status: f.status,
      microsoftCode: f.microsoftCode,
      correlationId: f.correlationId,
      ...(f.retryAfterSeconds === null ? {} : { retryAfterSeconds: f.retryAfterSeconds }),
      ...(f.policyAssignmentId === null ? {} : { policyAssignmentId: f.policyAssignmentId }),
    },
  };
}

// ARM's error body (common-api-details.md "Error Response Content").
const ArmErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    additionalInfo: z
      .array(z.object({ type: z.string(), info: z.record(z.string(), z.unknown()).optional() }))
      .optional(),
  }),
});

const RestErrorShape = z.object({
  name: z.literal("RestError"),
  message: z.string(),
  code: z.string().optional(),
  statusCode: z.number().optional(),
});

type Headers = { get(name: string): string | undefined };

/** The wait the service asked for, from the SDK's headers, in whole seconds (rounded up). */
function retryAfterSecondsIn(headers: Headers | undefined, now: Date): number | null {
  if (!headers) return null;
  const names = ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"];
  const present = Object.fromEntries(
    names.flatMap((n) => {
      const v = headers.get(n);
      return v === undefined ? [] : [[n, v]];
    }),
  );
  const ms = retryAfterMs(present, now);
  return ms === undefined ? null : Math.ceil(ms / 1000);
}
type WithResponse = { response?: { headers?: Headers; bodyAsText?: string | null } };

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Our error for whatever an `@azure/arm-*` call threw. Anything that is not the SDK's RestError is a bug and is
 * thrown again.
 */
export function armErrorOf(e: unknown, now: Date): ArmError {
  if (e instanceof TokenRefused) {
    const retryable = e.entra.retryable;
    return {
      code: retryable ? "azure_unavailable" : "azure_sign_in_failed",
      message: `No token for Azure Resource Manager: ${e.entra.message}`,
      retryable,
      details: {
        status: null,
        microsoftCode: null,
        correlationId: e.entra.details.correlationId,
        entraCode: e.entra.code,
      },
    };
  }
  const rest = RestErrorShape.safeParse(e);
  if (!rest.success) throw e;
  const response = (e as WithResponse).response;
  const headers = response?.headers;
  const body = ArmErrorBody.safeParse(parseJson(response?.bodyAsText));
  const violation = body.success
    ? body.data.error.additionalInfo?.find((i) => i.type === "PolicyViolation")?.info?.["policyAssignmentId"]
    : undefined;
  return classifyArmFailure({
    status: rest.data.statusCode ?? null,
    microsoftCode: body.success ? body.data.error.code : (rest.data.code ?? null),
    message: body.success ? body.data.error.message : rest.data.message,
    correlationId: headers?.get("x-ms-correlation-request-id") ?? headers?.get("x-ms-request-id") ?? null,
    retryAfterSeconds: retryAfterSecondsIn(headers, now),
    policyAssignmentId: typeof violation === "string" ? violation : null,
  });
}
