/**
 * Partner Center's published limits (B4): per partner tenant, 500 requests a minute on the Customer resource and
 * 500 on the Subscription resource. Each (tenant, resource) pair gets a fixed one-minute window on the emulator's
 * clock that opens with its first request; a request past the limit is refused and not counted, and the refusal
 * says how many seconds remain until the window closes.
 */
export function createThrottle(now: () => number, limit: () => number) {
  const windows = new Map<string, { openedAt: number; count: number }>();
  const WINDOW_MS = 60_000;
  return {
    take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const t = now();
      let w = windows.get(key);
      if (!w || t >= w.openedAt + WINDOW_MS) {
        w = { openedAt: t, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limit())
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.openedAt + WINDOW_MS - t) / 1000)) };
      w.count++;
      return { ok: true };
    },
  };
}

/** Which throttled resource a route belongs to, or null for routes outside the published limits. */
export function throttledResource(routeUrl: string): "customer" | "subscription" | null {
  if (!routeUrl.startsWith("/v1/customers")) return null;
  return routeUrl.includes("/subscriptions") ? "subscription" : "customer";
}
