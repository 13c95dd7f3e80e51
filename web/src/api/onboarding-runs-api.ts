import type { HttpClient } from "./http-client.ts";
import type { OnboardingRun, OnboardingRunDetail, OnboardingRunState } from "./types.ts";

const one = (runId: string) => `/onboarding-runs/${encodeURIComponent(runId)}`;

/** `state=stuck&state=failed`: the API takes one `state` parameter per state. */
function statesQuery(states: readonly OnboardingRunState[]): string {
  return states.map((s) => `state=${encodeURIComponent(s)}`).join("&");
}

/** Operators: onboarding runs of every organization, and what they may do to one (retry, resume, cancel). */
export function onboardingRunsApi(http: HttpClient) {
  return {
    /** The runs in the given states, most recently changed first. */
    list: (states: readonly OnboardingRunState[]) =>
      http.get<{ items: OnboardingRun[] }>(`/onboarding-runs?${statesQuery(states)}`).then((r) => r.items),
    get: (runId: string) => http.get<OnboardingRunDetail>(one(runId)),
    /** Tries the current step again now (a stuck or failed run). */
    retry: (runId: string) => http.post<OnboardingRun>(`${one(runId)}/retry`),
    /** Continues a stuck run where it stopped, with a fresh deadline. */
    resume: (runId: string) => http.post<OnboardingRun>(`${one(runId)}/resume`),
    /** Cancels the run; what Microsoft allows is undone. */
    cancel: (runId: string, reason: string) => http.post<OnboardingRun>(`${one(runId)}/cancel`, { reason }),
  };
}
