import os from "node:os";
import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import { scratchPostgres } from "../test/support/databases.ts";
import { startProduct } from "../test/support/product-process.ts";

const CONNECTIONS = 20;
const SECONDS = 8;

async function load(
  url: string,
  headers: Record<string, string>,
): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

/**
 * An authenticated list endpoint under load: GET /api/v1/organizations/{org}/workspaces?limit=50 with an API token
 * (token lookup, principal load, one page of 50 workspaces) against a server process on PostgreSQL, measured with
 * autocannon from this process. Reference: GET /healthz on the same server in the same run (no auth, no database),
 * so the ratio says what authentication plus the query cost, whatever the machine.
 */
export async function apiBenchmark(): Promise<Record<string, unknown>> {
  const base = process.env["DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
  const scratch = await scratchPostgres(base, "pc_bench");
  const server = await startProduct(["server"], {
    DATABASE_URL: scratch.url,
    DATA_DIR: await mkdtemp(path.join(os.tmpdir(), "pc-bench-")),
    LOG_LEVEL: "warn",
  });
  try {
    const json = { "content-type": "application/json" };
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        partnerName: "Bench",
        name: "Bench Operator",
        email: "bench@partner.test",
        password: "a bench password!",
      }),
    });
    const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const { csrfToken } = (await setup.json()) as { csrfToken: string };
    const h = { ...json, cookie, "x-csrf-token": csrfToken };
    const post = async (p: string, body: unknown) =>
      (await (
        await fetch(`${server.url}${p}`, { method: "POST", headers: h, body: JSON.stringify(body) })
      ).json()) as Record<string, unknown>;
    const org = (await post("/api/v1/organizations", { name: "Bench Org" })) as { id: string };
    const cc = (await post(`/api/v1/organizations/${org.id}/cost-centers`, { name: "Bench CC" })) as {
      id: string;
    };
    for (let i = 0; i < 120; i++)
      await post(`/api/v1/organizations/${org.id}/workspaces`, {
        name: `Workspace ${i}`,
        costCenterId: cc.id,
      });
    const { secret } = (await post("/api/v1/me/tokens", { name: "bench", scope: "read" })) as {
      secret: string;
    };
    const auth = { authorization: `Bearer ${secret}` };
    const listUrl = `${server.url}/api/v1/organizations/${org.id}/workspaces?limit=50`;
    const check = await fetch(listUrl, { headers: auth });
    if (!check.ok) throw new Error(`list endpoint answered ${check.status}`);

    await load(`${server.url}/healthz`, {});
    const reference = await load(`${server.url}/healthz`, {});
    const list = await load(listUrl, auth);
    return {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL, server and load generator sharing the machine`,
      endpoint: "GET /api/v1/organizations/{org}/workspaces?limit=50 (API token)",
      connections: CONNECTIONS,
      seconds: SECONDS,
      listRps: list.rps,
      listP50Ms: list.p50,
      listP99Ms: list.p99,
      listErrors: list.errors,
      referenceRps: reference.rps,
      referenceP99Ms: reference.p99,
      listToReferenceRatio: Number((list.rps / reference.rps).toFixed(3)),
    };
  } finally {
    await server.stop();
    await scratch.drop();
  }
}
