import type { Caller } from "../../tenancy/index.ts";
import type { AppError } from "../../../platform/result.ts";
import type { BillingPricingDeps } from "./deps.ts";
import { pricingErrors, roleNeeded } from "./errors.ts";

/**
 * Price plans are the organization administrators' and the operators' business. Outside the caller's organization
 * the organization does not exist for them; an operator is told when the id names no organization.
 */
export async function planAccess(
  deps: Pick<BillingPricingDeps, "organizations">,
  caller: Caller,
  orgId: string,
): Promise<AppError | null> {
  const p = caller.principal;
  if (!p.isOperator && p.orgId !== orgId) return pricingErrors.organizationNotFound(orgId);
  if (p.isOperator && (await deps.organizations.nameOf(orgId)) === null)
    return pricingErrors.organizationNotFound(orgId);
  if (!p.isOperator && p.orgRole !== "admin") return pricingErrors.forbidden(roleNeeded.plans);
  return null;
}

export const operatorOnly = (caller: Caller): AppError | null =>
  caller.principal.isOperator ? null : pricingErrors.forbidden(roleNeeded.operators);
