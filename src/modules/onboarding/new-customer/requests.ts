import type { Executor } from "../../../platform/db/types.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import { checkOptimizedRequest } from "../billing-check.ts";
import { customerRecords } from "../customers.ts";
import type { OnboardingDeps } from "../deps.ts";
import type { WorkflowEngine } from "../engine/engine.ts";
import type { WorkflowDefinition } from "../engine/definitions.ts";
import { onboardingErrors } from "../errors.ts";
import { initialDomain } from "./domains.ts";
import type { CustomerProfile, NewCustomerRunInput } from "./input.ts";

/** What a user asks for with option 3 (the provider's name and workspace come from the providers module). */
export type NewCustomerRequest = {
  billingAccountId: string;
  allowedServices?: string | undefined;
  customer?: CustomerProfile | undefined;
};

/** A request that passed every check that can be made before anything is created upstream. */
export type PreparedNewCustomer = {
  billingAccountId: string;
  allowedServices: string;
  customer: CustomerProfile | null;
};

type Scope = { orgId: string; costCenterId: string; workspaceId: string };

/**
 * The request-time half of option 3: every check that reads (billing account, eligibility, terms, preset, domain,
 * address) runs before the provider is saved, so bad input is refused with the field to fix and nothing is created
 * in Partner Center. The workflow checks eligibility and terms again when it runs.
 */
export function newCustomerRequests(
  deps: OnboardingDeps,
  engine: WorkflowEngine,
  workflow: WorkflowDefinition<NewCustomerRunInput>,
) {
  return {
    async prepare(
      caller: Caller,
      scope: Scope,
      req: NewCustomerRequest,
    ): Promise<Result<PreparedNewCustomer, AppError>> {
      const checked = await checkOptimizedRequest(deps, scope, req);
      if (!checked.ok) return checked;
      const { ms, account, presetId } = checked.value;
      const existing = await customerRecords.of(deps.db, scope.orgId);
      if (existing) return ok({ billingAccountId: account.id, allowedServices: presetId, customer: null });
      const profile = req.customer;
      if (!profile) return err(onboardingErrors.profileRequired());
      if (profile.address.country !== account.country)
        return err(onboardingErrors.countryMismatch(profile.address.country, account.country));
      if (profile.domainPrefix) {
        const domain = initialDomain(profile.domainPrefix);
        const free = await ms.partnerCenter.isDomainAvailable(domain);
        if (!free.ok) return err(onboardingErrors.upstream(free.error));
        if (!free.value || (await customerRecords.domainHeld(deps.db, domain)))
          return err(onboardingErrors.domainTaken(domain));
      }
      const address = await ms.partnerCenter.validateAddress(profile.address);
      if (!address.ok) return err(onboardingErrors.upstream(address.error));
      if (!address.value.valid)
        return err(
          onboardingErrors.addressInvalid(
            address.value.status,
            address.value.message,
            address.value.suggestions,
          ),
        );
      return ok({ billingAccountId: account.id, allowedServices: presetId, customer: profile });
    },

    /**
     * Starts the run in the transaction that saves the provider. The first provider of an organization claims its
     * Azure customer and creates it; a provider that finds the customer claimed adds a subscription under it.
     */
    async start(
      tx: Executor,
      p: {
        caller: Caller;
        scope: Scope;
        providerId: string;
        providerName: string;
        prepared: PreparedNewCustomer;
      },
    ): Promise<{ runId: string }> {
      const at = deps.clock.now();
      const creates =
        p.prepared.customer !== null &&
        (await customerRecords.claim(tx, {
          orgId: p.scope.orgId,
          billingAccountId: p.prepared.billingAccountId,
          companyName: p.prepared.customer.companyName,
          providerId: p.providerId,
          createdBy: p.caller.actor.userId ?? "system",
          at,
        }));
      const input: NewCustomerRunInput = {
        providerId: p.providerId,
        providerName: p.providerName,
        orgId: p.scope.orgId,
        costCenterId: p.scope.costCenterId,
        workspaceId: p.scope.workspaceId,
        billingAccountId: p.prepared.billingAccountId,
        requestedBy: p.caller.actor.userId ?? "system",
        allowedServices: p.prepared.allowedServices,
        createsCustomer: creates,
        customer: creates ? p.prepared.customer : null,
      };
      const started = await engine.start(tx, {
        workflow,
        key: p.providerId,
        input,
        subject: { type: "provider", id: p.providerId, orgId: p.scope.orgId },
      });
      if (!started.ok) throw new Error(`starting onboarding for ${p.providerId}: ${started.error.message}`);
      return { runId: started.value.run.id };
    },
  };
}
