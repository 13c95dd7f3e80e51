import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { startProduct } from "./support/product-process.ts";

const dataDir = () => mkdtemp(path.join(os.tmpdir(), "pc-data-"));

void test("the product starts on embedded defaults, offers first-run setup once, keeps its data across restarts, and refuses a second process on the same data folder", async () => {
  const DATA_DIR = await dataDir();
  const first = await startProduct(["start"], { DATA_DIR, DATABASE_URL: "" });
  try {
    assert.match(first.output(), /Partner Cloud is running: open http:\/\/127\.0\.0\.1:\d+/);
    assert.match(first.output(), /First run/);
    const status = (await (await fetch(`${first.url}/api/v1/setup`)).json()) as { needsSetup: boolean };
    assert.equal(status.needsSetup, true);
    const setup = await fetch(`${first.url}/api/v1/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        partnerName: "Acme Partner",
        name: "Ada",
        email: "ada@acme.test",
        password: "a long first password",
      }),
    });
    assert.equal(setup.status, 201);
    assert.match(setup.headers.get("set-cookie") ?? "", /^__Host-pc_session=/);

    const second = await startProduct(["start"], { DATA_DIR, DATABASE_URL: "" });
    assert.equal(await second.exited(), 1);
    assert.match(second.output(), /in use by another Partner Cloud process/);
    assert.match(second.output(), /DATABASE_URL/);
  } finally {
    await first.stop();
  }
  const again = await startProduct(["start"], { DATA_DIR, DATABASE_URL: "" });
  try {
    const status = (await (await fetch(`${again.url}/api/v1/setup`)).json()) as {
      needsSetup: boolean;
      partnerName: string;
    };
    assert.deepEqual(status, { needsSetup: false, partnerName: "Acme Partner" });
    const login = await fetch(`${again.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@acme.test", password: "a long first password" }),
    });
    assert.equal(login.status, 200);
    for (const p of ["/healthz", "/readyz", "/openapi.json", "/docs", "/metrics"])
      assert.equal((await fetch(`${again.url}${p}`)).status, 200, p);
    const metrics = await (await fetch(`${again.url}/metrics`)).text();
    assert.match(metrics, /pcloud_http_request_duration_seconds_bucket/);
  } finally {
    await again.stop();
  }
});

void test("the demo start seeds a partner, organizations and users, and prints how to sign in", async () => {
  const demo = await startProduct(["start", "--demo"], { DATA_DIR: await dataDir(), DATABASE_URL: "" });
  try {
    const password = /the password (demo-\S+)/.exec(demo.output())?.[1];
    assert.ok(password, demo.output());
    const login = await fetch(`${demo.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "frida@fabrikam.example", password }),
    });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const ctx = (await (await fetch(`${demo.url}/api/v1/me/contexts`, { headers: { cookie } })).json()) as {
      organizations: { name: string }[];
      costCenters: { name: string }[];
    };
    assert.deepEqual(
      ctx.organizations.map((o) => o.name),
      ["Fabrikam Manufacturing"],
    );
    assert.deepEqual(ctx.costCenters.map((c) => c.name).sort(), ["Default", "Engineering", "Finance"]);
  } finally {
    await demo.stop();
  }
});

void test("a bad configuration stops the process with a message naming the key", async () => {
  const bad = await startProduct(["start"], { DATA_DIR: await dataDir(), PORT: "99999" });
  assert.equal(await bad.exited(), 1);
  assert.match(bad.output(), /PORT/);
});
