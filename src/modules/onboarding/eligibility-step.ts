import type { OnboardingDeps } from "./deps.ts";
import { done, fail, retry, type Step } from "./engine/definitions.ts";

/** The billing account is checked again when the run starts: eligible, and its current terms accepted. */
export function eligibilityStep<I extends { billingAccountId: string }>(deps: OnboardingDeps): Step<I> {
  return {
    id: "check-eligibility",
    async run(ctx) {
      const checked = await deps.billing.checkEligibility(ctx.input.billingAccountId);
      if (!checked.ok)
        return checked.error.retryable
          ? retry({ reason: checked.error.message })
          : fail({ code: "billing_account_not_found", message: checked.error.message });
      if (!checked.value.eligible)
        return fail({
          code: "billing_account_ineligible",
          message: checked.value.reasons.map((r) => `${r.message} ${r.wayForward}`).join(" "),
        });
      if (!(await deps.billing.acceptance(ctx.input.billingAccountId)))
        return fail({
          code: "terms_not_accepted",
          message: "Accept the current terms for this billing account, then retry the step.",
        });
      return done({ eligible: true });
    },
  };
}
