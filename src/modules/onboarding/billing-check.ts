import { err, ok, type AppError, type Result } from "../../platform/result.ts";
import type { MicrosoftPorts, OnboardingDeps } from "./deps.ts";
import { onboardingErrors } from "./errors.ts";

type Scope = { orgId: string; costCenterId: string; workspaceId: string };

/**
 * The checks both optimized options make before anything is saved: Microsoft is connected, the billing account
 * belongs to the organization (or to the workspace's cost center), is eligible and has its current terms accepted,
 * and the allowed-services preset exists. Answers Microsoft's ports, the account and the resolved preset.
 */
export async function checkOptimizedRequest(
  deps: OnboardingDeps,
  scope: Scope,
  req: { billingAccountId: string; allowedServices?: string | undefined },
): Promise<
  Result<{ ms: MicrosoftPorts; account: { id: string; country: string }; presetId: string }, AppError>
> {
  const ms = deps.microsoft;
  if (!ms) return err(onboardingErrors.notConnected());
  const account = await deps.billing.account(req.billingAccountId);
  if (
    !account ||
    account.orgId !== scope.orgId ||
    (account.costCenterId !== null && account.costCenterId !== scope.costCenterId)
  )
    return err(onboardingErrors.billingAccountNotFound(req.billingAccountId));
  // Audited as the system's check: the request's one audit record is the provider's creation.
  const eligibility = await deps.billing.checkEligibility(account.id);
  if (!eligibility.ok) return err(eligibility.error);
  if (!eligibility.value.eligible)
    return err(onboardingErrors.ineligible(account.alias, eligibility.value.reasons));
  if (!(await deps.billing.acceptance(account.id)))
    return err(onboardingErrors.termsNotAccepted(account.alias));
  const preset = await deps.allowedServices().resolve(req.allowedServices);
  if (!preset.ok) return err(preset.error);
  return ok({ ms, account, presetId: preset.value.presetId });
}
