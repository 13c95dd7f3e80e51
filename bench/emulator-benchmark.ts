import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import https from "node:https";
import path from "node:path";
import autocannon from "autocannon";

const CONNECTIONS = 10;
const SECONDS = 5;

type Printed = {
  login: string;
  ca: string;
  demo: { tenantId: string; clientId: string; clientSecret: string; subscriptionId: string };
};

async function measure(
  opts: autocannon.Options,
): Promise<{ rps: number; p50: number; p99: number; non2xx: number }> {
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.errors + r.non2xx,
  };
}

/**
 * The emulator's own throughput with no injected latency, so later load tests know it is not their bottleneck:
 * a client-credentials token, an ARM GET (resource groups of a subscription) and a Partner Center customer
 * creation, each against an emulator process started with `pcloud emulator --seed demo --json`. Reference: the
 * emulator's cheapest route (GET /_emulator/faults) in the same run.
 */
export async function emulatorBenchmark(): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-bench-emu-"));
  const child = spawn(process.execPath, ["bin/pcloud.js", "emulator", "--seed", "demo", "--json"], {
    env: { ...process.env, DATA_DIR: dataDir, EMULATOR_PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const printed = await new Promise<Printed>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] ?? "") as Printed);
      });
      child.once("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const tlsOptions = { ca: readFileSync(printed.ca, "utf8") };
    const base = printed.login;
    const { tenantId, clientId, clientSecret, subscriptionId } = printed.demo;
    const form = (scope: string) =>
      new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
        scope,
      }).toString();
    const tokenRequest = {
      method: "POST" as const,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    };
    const grab = (scope: string) =>
      new Promise<string>((resolve, reject) => {
        const req = https.request(
          `${base}/${tenantId}/oauth2/v2.0/token`,
          { ...tokenRequest, ca: tlsOptions.ca },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve((JSON.parse(text) as { access_token: string }).access_token));
          },
        );
        req.on("error", reject);
        req.end(form(scope));
      });
    const armToken = await grab("https://management.azure.com/.default");
    const pcToken = await grab("https://api.partnercenter.microsoft.com/.default");

    // Microsoft's own limits (ARM's token buckets, Partner Center's 500 requests a minute) are lifted: this
    // measures the emulator's capacity, not the limits it imitates.
    const control = (pathname: string, body: unknown) =>
      new Promise<void>((resolve, reject) => {
        const req = https.request(
          `${base}${pathname}`,
          { method: "PUT", headers: { "content-type": "application/json" }, ca: tlsOptions.ca },
          (res) => {
            res.resume();
            res.on("end", () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`${pathname}: ${res.statusCode}`)),
            );
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify(body));
      });
    const unlimited = { burst: 100_000, perSecond: 100_000 };
    await control("/_emulator/arm/throttling", { reads: unlimited, writes: unlimited, deletes: unlimited });
    await control("/_emulator/partner-center/settings", { requestsPerMinute: 10_000_000 });

    await measure({ url: `${base}/_emulator/faults`, tlsOptions, duration: 2 });
    const reference = await measure({ url: `${base}/_emulator/faults`, tlsOptions });
    const token = await measure({
      url: `${base}/${tenantId}/oauth2/v2.0/token`,
      ...tokenRequest,
      body: form("https://management.azure.com/.default"),
      tlsOptions,
    });
    const armGet = await measure({
      url: `${base}/subscriptions/${subscriptionId}/resourcegroups?api-version=2025-04-01`,
      headers: { authorization: `Bearer ${armToken}` },
      tlsOptions,
    });
    let n = 0;
    const createCustomer = await measure({
      url: `${base}/v1/customers`,
      tlsOptions,
      requests: [
        {
          method: "POST",
          setupRequest: (req) => ({
            ...req,
            headers: {
              "content-type": "application/json",
              authorization: `Bearer ${pcToken}`,
              "ms-requestid": randomUUID(),
            },
            body: JSON.stringify({
              companyProfile: { domain: `bench${n++}.onmicrosoft.com` },
              billingProfile: {
                email: "ap@bench.example",
                culture: "en-US",
                language: "en",
                companyName: "Bench Ltd",
                defaultAddress: {
                  addressLine1: "1 Main St",
                  city: "Seattle",
                  state: "WA",
                  postalCode: "98101",
                  country: "US",
                },
              },
            }),
          }),
        },
      ],
    });
    const ratio = (x: number) => Number((x / reference.rps).toFixed(3));
    return {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, emulator and load generator sharing the machine`,
      connections: CONNECTIONS,
      seconds: SECONDS,
      referenceRps: reference.rps,
      tokenRps: token.rps,
      tokenP99Ms: token.p99,
      armGetRps: armGet.rps,
      armGetP99Ms: armGet.p99,
      createCustomerRps: createCustomer.rps,
      createCustomerP99Ms: createCustomer.p99,
      customersCreated: n,
      tokenToReference: ratio(token.rps),
      armGetToReference: ratio(armGet.rps),
      createCustomerToReference: ratio(createCustomer.rps),
      errors: token.non2xx + armGet.non2xx + createCustomer.non2xx,
    };
  } finally {
    child.kill("SIGTERM");
  }
}
