import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { emulatorClient } from "./support/emulator-client.ts";
import { startEmulator, type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

type Probe =
  { ok: true; token: string; expiresOnTimestamp: number } | { ok: false; name: string; message: string };

void describe("the emulator with Microsoft's own SDKs", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let connection: ReturnType<typeof emulatorClient> | undefined;
  const client = () => {
    if (!connection) throw new Error("the emulator has not started");
    return connection;
  };

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu"));
    connection = emulatorClient(emu);
  });
  after(async () => {
    await emu.close();
  });

  /** Microsoft's SDK in a child process that trusts the emulator's CA, as a deployment would. */
  async function sdkToken(secret: string, scope: string, tenant = seed.tenantId): Promise<Probe> {
    return (await client().probe("test/support/azure-identity-probe.ts", [
      tenant,
      seed.clientId,
      secret,
      scope,
    ])) as Probe;
  }

  const post = (pathname: string, form: Record<string, string>) =>
    client().request("POST", pathname, { form });
  const getJson = async (pathname: string) => (await client().request("GET", pathname)).body;

  void test("@azure/identity's ClientSecretCredential gets an RS256 token the published keys verify, for the resource it asked", async () => {
    const got = await sdkToken(seed.clientSecret, "https://management.azure.com/.default");
    assert.ok(got.ok, JSON.stringify(got));
    const [head = "", body = "", sig = ""] = got.token.split(".");
    const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg: string; kid: string };
    assert.equal(header.alg, "RS256");
    const jwks = (await getJson(`/${seed.tenantId}/discovery/v2.0/keys`)) as {
      keys: ({ kid: string } & Record<string, string>)[];
    };
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, "the token's key is published");
    const valid = verify(
      "sha256",
      Buffer.from(`${head}.${body}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(sig, "base64url"),
    );
    assert.ok(valid, "signature verifies");
    const claims = JSON.parse(Buffer.from(body, "base64url").toString()) as Record<string, unknown>;
    assert.equal(claims["aud"], "https://management.azure.com");
    assert.equal(claims["tid"], seed.tenantId);
    assert.equal(claims["appid"], seed.clientId);
    assert.equal(claims["iss"], `${emu.baseUrl}/${seed.tenantId}/v2.0`);
    assert.ok(got.expiresOnTimestamp > Date.now() + 3000_000);
  });

  void test("the SDK is refused with Microsoft's error for a wrong secret", async () => {
    const got = await sdkToken("not-the-secret", "https://management.azure.com/.default");
    assert.equal(got.ok, false);
    assert.match(got.ok ? "" : got.message, /AADSTS7000215/);
  });

  void test("the token endpoint rejects what Entra rejects, in Entra's error shape", async () => {
    const base = {
      grant_type: "client_credentials",
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
    };
    const cases: [Record<string, string>, string, number, number][] = [
      [{ ...base, scope: "https://management.azure.com" }, `/${seed.tenantId}/oauth2/v2.0/token`, 400, 70011],
      [
        { ...base, scope: "https://unknown.example/.default" },
        `/${seed.tenantId}/oauth2/v2.0/token`,
        400,
        500011,
      ],
      [
        {
          ...base,
          client_id: "00000000-0000-4000-8000-000000000000",
          scope: "https://graph.microsoft.com/.default",
        },
        `/${seed.tenantId}/oauth2/v2.0/token`,
        400,
        700016,
      ],
      [
        { ...base, scope: "https://graph.microsoft.com/.default" },
        "/no-such-tenant.onmicrosoft.com/oauth2/v2.0/token",
        400,
        90002,
      ],
      [
        { ...base, grant_type: "urn:example:no-such-grant", scope: "https://graph.microsoft.com/.default" },
        `/${seed.tenantId}/oauth2/v2.0/token`,
        400,
        70003,
      ],
      [
        {
          ...base,
          grant_type: "password",
          username: seed.partnerAdmin.userName,
          password: "not-the-password",
          scope: "https://api.partnercenter.microsoft.com/user_impersonation",
        },
        `/${seed.tenantId}/oauth2/v2.0/token`,
        400,
        50126,
      ],
    ];
    for (const [form, url, status, code] of cases) {
      const res = await post(url, form);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.deepEqual(res.body["error_codes"], [code]);
      assert.match(
        String(res.body["error_description"]),
        new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: .*\\r\\nCorrelation ID: `, "s"),
      );
    }
    const byDomain = await post(`/${seed.tenantDomain}/oauth2/v2.0/token`, {
      ...base,
      scope: "https://graph.microsoft.com/.default",
    });
    assert.equal(byDomain.status, 200, "the tenant may be named by its domain");
  });

  void test("@azure/arm-resources and arm-resources-subscriptions list subscriptions and create, list, get and delete a resource group", async () => {
    const got = await client().probe("test/support/azure-arm-probe.ts", [
      seed.tenantId,
      seed.clientId,
      seed.clientSecret,
      seed.subscriptionId,
    ]);
    assert.equal(got["ok"], true, JSON.stringify(got));
    assert.deepEqual(got["subscriptions"], [`${seed.subscriptionId}:Partner Cloud demo:Enabled`]);
    assert.deepEqual(got["created"], {
      id: `/subscriptions/${seed.subscriptionId}/resourceGroups/rg-Probe`,
      tags: { owner: "probe" },
    });
    assert.deepEqual(got["groups"], ["rg-Probe"]);
    assert.equal(got["fetched"], "rg-Probe", "names are matched without regard to case");
    assert.equal(got["existsAfter"], false);
    assert.equal(got["missing"], "404:ResourceGroupNotFound");
  });

  void test("@azure/arm-authorization creates a role assignment under a name we choose, repeats it harmlessly, and meets 409 for the same grant under another name", async () => {
    const got = await client().probe("test/support/azure-authorization-probe.ts", [
      seed.tenantId,
      seed.clientId,
      seed.clientSecret,
      seed.subscriptionId,
    ]);
    assert.equal(got["ok"], true, JSON.stringify(got));
    assert.equal(got["created"], got["name"]);
    assert.equal(got["createdScope"], `/subscriptions/${seed.subscriptionId}`);
    assert.equal(got["repeated"], got["name"], "the same PUT again is accepted");
    assert.equal(got["twin"], "409:RoleAssignmentExists");
    assert.deepEqual(got["listed"], [got["name"]]);
    assert.equal(got["roleName"], "Reader");
    assert.equal(got["afterDelete"], "404:RoleAssignmentNotFound");
  });

  void test("@azure/arm-policy assigns 'Allowed resource types', and ARM then refuses other types with RequestDisallowedByPolicy", async () => {
    const got = await client().probe("test/support/azure-policy-probe.ts", [
      seed.tenantId,
      seed.clientId,
      seed.clientSecret,
      seed.subscriptionId,
    ]);
    assert.equal(got["ok"], true, JSON.stringify(got));
    assert.equal(got["definition"], "Allowed resource types");
    assert.equal(got["assignmentScope"], `/subscriptions/${seed.subscriptionId}`);
    assert.equal(
      got["storage"],
      `/subscriptions/${seed.subscriptionId}/resourceGroups/rg-policy/providers/Microsoft.Storage/storageAccounts/pcstore1`,
    );
    assert.deepEqual(got["vm"], { status: 403, code: "RequestDisallowedByPolicy", info: "PolicyViolation" });
    assert.equal(got["vmAfter"], "vm1", "with the assignment removed the same resource is created");
  });

  void test("ARM refuses a token for another audience, a missing token and a missing api-version, in ARM's error shape", async () => {
    const graphToken = await post(`/${seed.tenantId}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      scope: "https://graph.microsoft.com/.default",
    });
    const armToken = await post(`/${seed.tenantId}/oauth2/v2.0/token`, {
      grant_type: "client_credentials",
      client_id: seed.clientId,
      client_secret: seed.clientSecret,
      scope: "https://management.azure.com/.default",
    });
    const tokenOf = (b: Record<string, unknown>) =>
      typeof b["access_token"] === "string" ? b["access_token"] : "";
    const call = async (pathname: string, token?: string) => {
      const res = await client().request("GET", pathname, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: res.status, body: res.body as { error?: { code: string; message: string } } };
    };
    const wrongAudience = await call("/subscriptions?api-version=2022-12-01", tokenOf(graphToken.body));
    assert.equal(wrongAudience.status, 401);
    assert.equal(wrongAudience.body.error?.code, "InvalidAuthenticationTokenAudience");
    const none = await call("/subscriptions?api-version=2022-12-01");
    assert.equal(none.status, 401);
    const noVersion = await call("/subscriptions", tokenOf(armToken.body));
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error?.code, "MissingApiVersionParameter");
    const otherTenants = await call(
      `/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups?api-version=2025-04-01`,
      tokenOf(armToken.body),
    );
    assert.equal(otherTenants.status, 404);
    assert.equal(otherTenants.body.error?.code, "SubscriptionNotFound");
  });

  void test("the OpenID configuration names the four endpoints MSAL requires, under the emulator's own host", async () => {
    const doc = await getJson(`/${seed.tenantId}/v2.0/.well-known/openid-configuration`);
    for (const k of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"])
      assert.ok(String(doc[k]).startsWith(`${emu.baseUrl}/${seed.tenantId}/`), `${k}: ${String(doc[k])}`);
  });

  void test("a restarted emulator keeps its tenants, apps, keys and certificate authority", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-emu-restart-"));
    const first = await startEmulator({ dataDir, port: 0, host: "127.0.0.1" });
    const demo = first.seedDemo();
    const caBefore = readFileSync(first.caPath, "utf8");
    await first.close();
    const second = await startEmulator({ dataDir, port: 0, host: "127.0.0.1" });
    try {
      assert.equal(second.seedDemo(), null, "the demo partner is still there");
      assert.equal(second.state.tenant(demo?.tenantId ?? "")?.domain, "contosopartner.onmicrosoft.com");
      assert.equal(readFileSync(second.caPath, "utf8"), caBefore);
    } finally {
      await second.close();
    }
  });
});

void test("`pcloud emulator --seed demo --json` starts the emulator alone and prints its endpoints as one JSON line", async () => {
  const { spawn } = await import("node:child_process");
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "pc-emu-cli-"));
  const child = spawn(process.execPath, ["bin/pcloud.js", "emulator", "--seed", "demo", "--json"], {
    env: { ...process.env, DATA_DIR: dataDir, EMULATOR_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
      child.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
    });
    const printed = JSON.parse(line) as {
      login: string;
      partnerCenter: string;
      graph: string;
      arm: string;
      partnerCloud: string;
      smtp: string;
      ca: string;
      demo: {
        tenantId: string;
        clientId: string;
        clientSecret: string;
        partnerCloud: { userName: string; password: string };
      };
    };
    assert.match(printed.login, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(printed.partnerCenter, `${printed.login}/v1`);
    assert.equal(printed.graph, `${printed.login}/v1.0`);
    assert.equal(printed.arm, printed.login);
    assert.equal(printed.partnerCloud, printed.login);
    assert.match(printed.smtp, /^smtp:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(printed.demo.partnerCloud.userName, "pcadmin");
    assert.ok(printed.demo.partnerCloud.password.length >= 12);
    assert.equal(printed.ca, path.join(dataDir, "emulator", "tls", "ca.pem"));
    assert.match(printed.demo.tenantId, /^[0-9a-f-]{36}$/);
    assert.ok(printed.demo.clientSecret.length >= 32);
  } finally {
    child.kill("SIGTERM");
  }
});
