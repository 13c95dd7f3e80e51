import { defineWorkflow } from "../engine/definitions.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { eligibilityStep } from "../eligibility-step.ts";
import { accessSteps } from "./access-steps.ts";
import { customerSteps } from "./customer-steps.ts";
import { NewCustomerInput } from "./input.ts";
import { subscriptionSteps } from "./subscription-steps.ts";

export const NEW_CUSTOMER_WORKFLOW = "new-azure-customer";

/** Step labels as the console shows them; a step that does not apply to a run is shown as not needed. */
export const newCustomerStepLabels: Readonly<Record<string, string>> = {
  "check-eligibility": "Check the billing account's eligibility and terms",
  "choose-domain": "Choose the customer's domain",
  "validate-address": "Validate the company address",
  "create-customer": "Create the Azure customer",
  "record-customer": "Record the Azure customer",
  "await-customer": "Wait for the organization's Azure customer",
  "consent-application": "Consent Partner Cloud's application",
  "attest-agreement": "Attest the Microsoft Customer Agreement",
  "create-cart": "Prepare the Azure plan order",
  checkout: "Order the Azure plan",
  "await-subscription": "Wait for the Azure subscription",
  "create-subscription": "Create the Azure subscription",
  "link-billing-account": "Associate the subscription with the billing account",
  "grant-access": "Grant Partner Cloud access",
  "apply-policy": "Apply the allowed services",
  "mark-ready": "Mark the provider ready",
};

/**
 * Creating a new Azure customer, or a new subscription for the organization's existing one (seed 000,
 * docs/adr/0006). Every step is one upstream effect, keyed so that a replay after a crash finds what was done.
 */
export function newCustomerWorkflow(deps: OnboardingDeps) {
  const ms = (): MicrosoftPorts => {
    if (!deps.microsoft) throw new Error("this worker is not connected to Microsoft");
    return deps.microsoft;
  };
  return defineWorkflow({
    name: NEW_CUSTOMER_WORKFLOW,
    version: 1,
    input: NewCustomerInput,
    steps: [
      eligibilityStep(deps),
      ...customerSteps(deps, ms),
      ...subscriptionSteps(deps, ms),
      ...accessSteps(deps, ms),
    ],
  });
}
