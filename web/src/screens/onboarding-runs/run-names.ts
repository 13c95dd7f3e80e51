import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "../../api/api-client.ts";
import { messageOf } from "../../api/api-error.ts";
import type { OnboardingRun, Provider } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";

/** The provider a run onboards, or why it could not be read (deleted, for example). */
export type ProviderLookup = { provider: Provider } | { error: string };

/** The id of the provider a run onboards (its subject), if it onboards one. */
export function providerIdOf(run: OnboardingRun): string | null {
  return run.subject["type"] === "provider" ? (run.subject["id"] ?? null) : null;
}

export async function lookUpProvider(api: ApiClient, providerId: string): Promise<ProviderLookup> {
  try {
    return { provider: await api.providers.get(providerId) };
  } catch (e) {
    return { error: messageOf(e) };
  }
}

const versionOf = (run: OnboardingRun) => `${run.workflow}@${run.version}`;

export type RunNames = {
  /** Undefined while it is being read. */
  provider: (run: OnboardingRun) => ProviderLookup | undefined;
  /** The label of the run's current step, or its id until the labels are read. */
  stepLabel: (run: OnboardingRun) => string | null;
};

/**
 * What a list of runs needs to read well: the provider each run onboards (its name and workspace) and the label of
 * each run's current step. Labels come with a run's detail; every run of one workflow version has the same steps,
 * so one detail per version names the steps of all its runs. What was read is kept when the list is read again.
 */
export function useRunNames(runs: readonly OnboardingRun[] | null): RunNames {
  const api = useApi();
  const [providers, setProviders] = useState<ReadonlyMap<string, ProviderLookup>>(new Map());
  const [labels, setLabels] = useState<ReadonlyMap<string, ReadonlyMap<string, string>>>(new Map());
  const asked = useRef(new Set<string>());

  useEffect(() => {
    if (!runs) return;
    for (const run of runs) {
      const providerId = providerIdOf(run);
      if (providerId && !asked.current.has(providerId)) {
        asked.current.add(providerId);
        void lookUpProvider(api, providerId).then((found) =>
          setProviders((known) => new Map(known).set(providerId, found)),
        );
      }
      const version = versionOf(run);
      if (!asked.current.has(version)) {
        asked.current.add(version);
        void api.onboardingRuns.get(run.id).then(
          (detail) =>
            setLabels((known) =>
              new Map(known).set(version, new Map(detail.steps.map((s) => [s.id, s.label]))),
            ),
          // Without labels the list shows the step ids, which still name the step.
          () => asked.current.delete(version),
        );
      }
    }
  }, [api, runs]);

  return {
    provider: (run) => {
      const providerId = providerIdOf(run);
      return providerId ? providers.get(providerId) : { error: "Not a provider's onboarding" };
    },
    stepLabel: (run) => (run.stepId ? (labels.get(versionOf(run))?.get(run.stepId) ?? run.stepId) : null),
  };
}
