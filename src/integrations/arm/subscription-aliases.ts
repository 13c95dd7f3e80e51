import { z } from "zod";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { microsoftResources, type TokenSource } from "../entra/index.ts";
import { retryAfterMs, type HttpClient } from "../http/index.ts";
import { classifyArmFailure } from "./arm-errors.ts";
import type { ArmError } from "./port.ts";

const API_VERSION = "2021-10-01";

const AliasAnswer = z.object({
  properties: z.object({ subscriptionId: z.string().optional(), provisioningState: z.string() }),
});
const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Another Azure subscription for a CSP customer, under its Azure plan (microsoft-apis.md §C5). */
export type SubscriptionAliases = {
  /**
   * Creates (or finds) the subscription named by `aliasName`, a name we choose per request: repeating the call with
   * the same alias returns the same subscription. Null `subscriptionId` while Azure is still provisioning it.
   */
  ensureSubscription(input: {
    aliasName: string;
    displayName: string;
    customerTenantId: string;
    workload?: "Production" | "DevTest";
  }): Promise<Result<{ subscriptionId: string | null; provisioningState: string }, ArmError>>;
};

/**
 * The alias API with the partner's own app-only token (the partner tenant's Admin Agent), billed to the partner's
 * Microsoft Partner Agreement billing account `billingAccountName`.
 */
export function createSubscriptionAliases(deps: {
  http: HttpClient;
  tokens: Pick<TokenSource, "appToken">;
  partnerTenantId: string;
  billingAccountName: string;
  clock: Clock;
}): SubscriptionAliases {
  return {
    async ensureSubscription(input) {
      const token = await deps.tokens.appToken(deps.partnerTenantId, microsoftResources.resourceManager);
      if (!token.ok)
        return err({
          code: token.error.retryable ? "azure_unavailable" : "azure_sign_in_failed",
          message: `No token for Azure Resource Manager: ${token.error.message}`,
          retryable: token.error.retryable,
          details: { status: null, microsoftCode: null, correlationId: null, entraCode: token.error.code },
        });
      const answer = await deps.http.request({
        method: "PUT",
        path: `/providers/Microsoft.Subscription/aliases/${encodeURIComponent(input.aliasName)}`,
        query: { "api-version": API_VERSION },
        headers: { authorization: `Bearer ${token.value.token}` },
        json: {
          properties: {
            displayName: input.displayName,
            workload: input.workload ?? "Production",
            billingScope: `/providers/Microsoft.Billing/billingAccounts/${deps.billingAccountName}/customers/${input.customerTenantId}`,
          },
        },
      });
      if (!answer.ok)
        return err(
          classifyArmFailure({
            status: null,
            microsoftCode: null,
            message: answer.error.message,
            correlationId: null,
            retryAfterSeconds: null,
            policyAssignmentId: null,
          }),
        );
      const res = answer.value;
      if (res.status === 200 || res.status === 201) {
        const body = AliasAnswer.safeParse(res.json);
        if (body.success)
          return ok({
            subscriptionId: body.data.properties.subscriptionId ?? null,
            provisioningState: body.data.properties.provisioningState,
          });
      }
      const body = ErrorBody.safeParse(res.json);
      const waitMs = retryAfterMs(res.headers, deps.clock.now());
      return err(
        classifyArmFailure({
          status: res.status,
          microsoftCode: body.success ? body.data.error.code : null,
          message: body.success ? body.data.error.message : `HTTP ${res.status}`,
          correlationId: res.headers["x-ms-correlation-request-id"] ?? null,
          retryAfterSeconds: waitMs === undefined ? null : Math.ceil(waitMs / 1000),
          policyAssignmentId: null,
        }),
      );
    },
  };
}
