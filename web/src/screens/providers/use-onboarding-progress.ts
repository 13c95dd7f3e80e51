import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { MigrationView, OnboardingProgress } from "../../api/types.ts";
import { useApi } from "../../app/api-context.ts";
import { terminalRunStates } from "./provider-labels.ts";

export type OnboardingView = {
  progress: OnboardingProgress | null;
  error: unknown;
  /** True while the server pushes each change; false when the page asks every few seconds instead. */
  live: boolean;
};

export type OnboardingFollower = OnboardingView & {
  /** Reads the run again and listens anew: for a run an action revived after it had ended. */
  restart: () => void;
  /** Shows a migration view an action answered with, until the next progress replaces it. */
  showMigration: (migration: MigrationView) => void;
};

const POLL_MS = 3000;

function progressFrom(data: string): OnboardingProgress | null {
  try {
    const value = JSON.parse(data) as Partial<OnboardingProgress> | null;
    return value && typeof value.state === "string" && Array.isArray(value.steps)
      ? ({ ...value, migration: value.migration ?? null } as OnboardingProgress)
      : null;
  } catch {
    return null;
  }
}

/** Progress from a server that does not send `migration` yet reads as having none. */
function withMigration(progress: OnboardingProgress): OnboardingProgress {
  return { ...progress, migration: progress.migration ?? null };
}

/**
 * Follows a provider's onboarding run: reads it once, then listens to its progress stream (server-sent events)
 * until the run ends. If the stream cannot be opened the progress is read every few seconds instead.
 * `onChange` is called with each new progress, so the page can refresh the provider's state. The stream also pushes
 * when only a migration's view changes (a reminder sent, a task done), so the migration panel follows it too.
 */
export function useOnboardingProgress(
  providerId: string,
  enabled: boolean,
  onChange: (progress: OnboardingProgress) => void,
): OnboardingFollower {
  const api = useApi();
  const [view, setView] = useState<OnboardingView>({ progress: null, error: null, live: false });
  const [generation, setGeneration] = useState(0);
  const changed = useRef(onChange);
  changed.current = onChange;
  const restart = useCallback(() => setGeneration((g) => g + 1), []);
  const showMigration = useCallback((migration: MigrationView) => {
    setView((v) => (v.progress ? { ...v, progress: { ...v.progress, migration } } : v));
  }, []);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let source: EventSource | null = null;
    let timer: number | undefined;

    const show = (progress: OnboardingProgress, live: boolean) => {
      if (stopped) return;
      setView({ progress, error: null, live });
      changed.current(progress);
    };

    const poll = async () => {
      if (stopped) return;
      try {
        const progress = withMigration(await api.providers.onboarding(providerId));
        show(progress, false);
        if (terminalRunStates.has(progress.state)) return;
      } catch (e) {
        if (stopped) return;
        setView((v) => ({ ...v, error: e, live: false }));
        if (e instanceof ApiError && e.status === 404) return;
      }
      timer = window.setTimeout(() => void poll(), POLL_MS);
    };

    const listen = () => {
      if (stopped) return;
      source = new EventSource(api.providers.onboardingStreamUrl(providerId));
      source.addEventListener("progress", (event) => {
        const progress = progressFrom((event as MessageEvent<string>).data);
        if (!progress) return;
        // The server ends the stream after a run's last change: nothing is pushed any more.
        const ended = terminalRunStates.has(progress.state);
        show(progress, !ended);
        if (ended) source?.close();
      });
      source.onerror = () => {
        // A dropped connection is retried by the browser; a refused stream is closed: ask instead.
        if (source?.readyState === EventSource.CLOSED && !stopped) {
          setView((v) => ({ ...v, live: false }));
          timer = window.setTimeout(() => void poll(), POLL_MS);
        }
      };
    };

    const start = async () => {
      try {
        const progress = withMigration(await api.providers.onboarding(providerId));
        show(progress, false);
        if (!terminalRunStates.has(progress.state)) listen();
      } catch (e) {
        if (stopped) return;
        setView({ progress: null, error: e, live: false });
        if (!(e instanceof ApiError && e.status === 404))
          timer = window.setTimeout(() => void poll(), POLL_MS);
      }
    };

    void start();
    return () => {
      stopped = true;
      source?.close();
      window.clearTimeout(timer);
    };
  }, [api, providerId, enabled, generation]);

  return { ...view, restart, showMigration };
}
