import type { BenchWorld } from "./bench-world.ts";
import { quantile } from "./figures.ts";

const WARM_UP = 30;
const MEASURED = 300;

/**
 * The yardstick: the emulator's bare client-credentials token endpoint through our HTTP client, one request at a
 * time, before any latency is injected. Whatever the machine, it costs one HTTPS round trip on this event loop.
 */
export async function tokenReference(world: BenchWorld): Promise<{ p50Ms: number; p99Ms: number }> {
  const form = {
    grant_type: "client_credentials",
    client_id: world.seed.clientId,
    client_secret: world.seed.clientSecret,
    scope: "https://api.partnercenter.microsoft.com/.default",
  };
  const took: number[] = [];
  for (let i = 0; i < WARM_UP + MEASURED; i++) {
    const started = performance.now();
    const answer = await world.emulatorHttp.request({
      method: "POST",
      path: `/${world.seed.tenantId}/oauth2/v2.0/token`,
      form,
    });
    if (!answer.ok || answer.value.status !== 200)
      throw new Error(
        `the reference token request failed: ${answer.ok ? answer.value.text : answer.error.message}`,
      );
    if (i >= WARM_UP) took.push(performance.now() - started);
  }
  return { p50Ms: quantile(took, 0.5), p99Ms: quantile(took, 0.99) };
}
