import { z } from "zod";
import type { GraphError, GraphErrorCode } from "./port.ts";

export type GraphFailureFacts = {
  readonly status: number | null;
  readonly body: unknown;
  readonly clientRequestId: string;
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;
};

// Graph's error body (concepts/errors.md): { error: { code, message, innerError: { request-id, … } } }.
const GraphErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    innerError: z.object({ "request-id": z.string().optional() }).optional(),
  }),
});

type Rule = {
  code: GraphErrorCode;
  retryable: boolean;
  message: (said: string, f: GraphFailureFacts) => string;
};

function ruleFor(status: number | null): Rule {
  if (status === null || status === 408 || status >= 500)
    return {
      code: "graph_unavailable",
      retryable: true,
      message: () => "Microsoft Graph did not answer in time or failed; retry later.",
    };
  if (status === 429)
    return {
      code: "graph_throttled",
      retryable: true,
      message: (_s, f) =>
        `Microsoft Graph is throttling Partner Cloud; retry after ${f.retryAfterSeconds ?? "a few"} seconds.`,
    };
  if (status === 401)
    return {
      code: "graph_sign_in_failed",
      retryable: false,
      message: (said) =>
        `Microsoft Graph refused Partner Cloud's token: check the application's credentials.${said}`,
    };
  if (status === 403)
    return {
      code: "graph_forbidden",
      retryable: false,
      message: (said) =>
        `Microsoft Graph refused the call: the application needs DelegatedAdminRelationship.ReadWrite.All (GDAP) or PartnerBilling.Read.All (billing), admin-consented.${said}`,
    };
  if (status === 404)
    return {
      code: "graph_not_found",
      retryable: false,
      message: (said) => `Microsoft Graph has no such item for this partner: check the id.${said}`,
    };
  if (status === 409 || status === 412)
    return {
      code: "graph_conflict",
      retryable: false,
      message: (said) => `The item changed or is in a state that does not allow this: read it again.${said}`,
    };
  return {
    code: "graph_rejected",
    retryable: false,
    message: (said) => `Microsoft Graph rejected the request.${said}`,
  };
}

/** Our error for a failed Graph call: 429, 5xx and no answer are retryable; other 4xx are not. */
export function graphErrorOf(f: GraphFailureFacts): GraphError {
  const body = GraphErrorBody.safeParse(f.body);
  const graphCode = body.success ? body.data.error.code : null;
  const graphMessage = body.success ? body.data.error.message : null;
  const rule = ruleFor(f.status);
  return {
    code: rule.code,
    message: rule.message(graphMessage ? ` Graph said: ${graphMessage}` : "", f),
    retryable: rule.retryable,
    details: {
      status: f.status,
      graphCode,
      graphMessage,
      clientRequestId: f.clientRequestId,
      requestId: f.requestId ?? (body.success ? (body.data.error.innerError?.["request-id"] ?? null) : null),
      ...(f.retryAfterSeconds === null ? {} : { retryAfterSeconds: f.retryAfterSeconds }),
    },
  };
}
