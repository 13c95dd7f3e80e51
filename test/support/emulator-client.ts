import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import type { DemoSeed, RunningEmulator } from "../../src/emulator/index.ts";

const run = promisify(execFile);

export type EmulatorResponse = {
  status: number;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
};

/**
 * How tests reach a running emulator: HTTPS requests that trust its CA, and Microsoft's SDKs run by a probe script
 * in a child process (NODE_EXTRA_CA_CERTS is read only at process start), whose last stdout line is JSON.
 */
export function emulatorClient(emu: Pick<RunningEmulator, "baseUrl" | "caPath">) {
  const ca = readFileSync(emu.caPath, "utf8");

  function request(
    method: string,
    pathname: string,
    opts: { json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<EmulatorResponse> {
    const payload =
      opts.form !== undefined
        ? new URLSearchParams(opts.form).toString()
        : opts.json === undefined
          ? undefined
          : JSON.stringify(opts.json);
    const contentType = opts.form !== undefined ? "application/x-www-form-urlencoded" : "application/json";
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${emu.baseUrl}${pathname}`,
        { method, ca, headers: { "content-type": contentType, ...opts.headers } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(text || "{}") as Record<string, unknown>,
              headers: res.headers,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  return {
    ca,
    request,

    /** A client-credentials token straight from the token endpoint. */
    async token(
      app: { tenantId: string; clientId: string; clientSecret: string },
      scope: string,
    ): Promise<string> {
      const res = await request("POST", `/${app.tenantId}/oauth2/v2.0/token`, {
        form: {
          grant_type: "client_credentials",
          client_id: app.clientId,
          client_secret: app.clientSecret,
          scope,
        },
      });
      const token = res.body["access_token"];
      return typeof token === "string" ? token : "";
    },

    async probe(script: string, args: string[]): Promise<Record<string, unknown>> {
      const { stdout } = await run(process.execPath, ["--import", "tsx", script, emu.baseUrl, ...args], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: emu.caPath },
        timeout: 60_000,
      });
      return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
    },
  };
}

/** Partner Center's body for a new US customer whose domain is `${prefix}.onmicrosoft.com`. */
export const customerBody = (prefix: string, companyName = `${prefix} Ltd`) => ({
  companyProfile: { domain: `${prefix}.onmicrosoft.com` },
  billingProfile: {
    email: `ap@${prefix}.example`,
    culture: "en-US",
    language: "en",
    companyName,
    defaultAddress: {
      firstName: "Ada",
      lastName: "Ng",
      addressLine1: "1 Microsoft Way",
      city: "Redmond",
      state: "WA",
      postalCode: "98052",
      country: "US",
    },
  },
});

/**
 * A US customer of the demo partner, made through Partner Center (`POST /v1/customers`) with one Azure plan
 * subscription, which meters usage from the emulator's today. Returns the customer's tenant id.
 */
export async function meteredCustomer(
  emu: RunningEmulator,
  seed: DemoSeed,
  customer: { prefix: string; companyName: string },
): Promise<string> {
  const client = emulatorClient(emu);
  const token = await client.token(seed, "https://api.partnercenter.microsoft.com/.default");
  const made = await client.request("POST", "/v1/customers", {
    headers: { authorization: `Bearer ${token}`, "ms-requestid": randomUUID() },
    json: customerBody(customer.prefix, customer.companyName),
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const customerId = String(made.body["id"]);
  emu.state.addSubscription({ tenantId: customerId, displayName: "Azure subscription 1" });
  return customerId;
}
