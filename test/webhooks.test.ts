import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import {
  createWebhooks,
  verifySignature,
  type WebhookEventType,
  type WebhooksDeps,
} from "../src/modules/webhooks/index.ts";
import { webhookEndpoints } from "../src/modules/webhooks/tables.ts";
import { createSecretBox } from "../src/platform/secrets.ts";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string; fields?: { path: string; message: string }[] } };
type Webhook = { id: string; url: string; enabled: boolean; eventTypes: string[]; secret?: string };
type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
};
type Page<T> = { items: T[]; nextCursor: string | null };
type Received = { headers: http.IncomingHttpHeaders; body: string };
/** What the receiver answers to one request: a status (with headers), or no answer at all. */
type Answer = number | { status: number; headers: Record<string, string> } | "hang";

const KEY = randomBytes(32).toString("base64");

/** A real HTTP endpoint on this machine that records each request and answers from a script (200 when empty). */
async function startReceiver() {
  const received: Received[] = [];
  const script: Answer[] = [];
  let delayMs = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      const answer = script.shift() ?? 200;
      if (answer === "hang") return;
      const { status, headers } = typeof answer === "number" ? { status: answer, headers: {} } : answer;
      setTimeout(() => res.writeHead(status, headers).end("thanks"), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/partner-cloud/events`,
    received,
    answer: (...answers: Answer[]) => script.push(...answers),
    slowDown: (ms: number) => (delayMs = ms),
    reset() {
      received.length = 0;
      script.length = 0;
      delayMs = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const backend of backends()) {
  void describe(`organization webhooks on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let admin: Auth;
    let operator: Auth;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    /** Another instance of the module on the same database: a second worker process, or one with other limits. */
    const instance = (over: Partial<WebhooksDeps> = {}) =>
      createWebhooks({
        db: h.database.db,
        clock: h.clock,
        audit: h.modules.audit,
        secrets: () => createSecretBox([{ id: "k1", key: KEY }]),
        organizations: h.modules.tenancy.organizations,
        ...over,
      });

    const nowSeconds = () => Math.floor(h.clock.now().getTime() / 1000);

    async function createEndpoint(body: Record<string, unknown> = {}) {
      const res = await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/webhooks`, {
        url: receiver.url,
        eventTypes: ["*"],
        ...body,
      });
      assert.equal(res.status, 201, res.body);
      return res.json() as Webhook & { secret: string };
    }

    /** Announces an event the way other modules do: inside a transaction of theirs. */
    const announce = (type: WebhookEventType, data: Record<string, unknown> = {}, orgId = w.orgA.id) =>
      h.database.db.transaction((tx) => h.modules.webhooks.enqueue(tx, { orgId, type, data }));

    async function deliveriesOf(id: string, query = ""): Promise<Page<Delivery>> {
      const res = await h.request(admin, "GET", `/api/v1/webhooks/${id}/deliveries${query}`);
      assert.equal(res.status, 200, res.body);
      return res.json() as Page<Delivery>;
    }

    before(async () => {
      h = await createHarness(await backend.open(), { SECRETS_KEYS: `k1:${KEY}` });
      w = await createWorld(h);
      receiver = await startReceiver();
    });
    // Fresh sessions for each test: some move the clock past a session's idle limit.
    beforeEach(async () => {
      admin = await h.sessionFor(w.ids.orgAdmin);
      operator = await h.sessionFor(w.ids.operator);
    });
    afterEach(async () => {
      operator = await h.sessionFor(w.ids.operator);
      for (const org of [w.orgA.id, w.orgB.id]) {
        const listed = await h.request(operator, "GET", `/api/v1/organizations/${org}/webhooks`);
        for (const hook of (listed.json() as Page<Webhook>).items)
          assert.equal((await h.request(operator, "DELETE", `/api/v1/webhooks/${hook.id}`)).status, 204);
      }
      receiver.reset();
    });
    after(async () => {
      await receiver.close();
      await h.close();
      await h.database.close();
    });

    void test("an event enqueued in a committed transaction reaches the endpoint once, as a signed JSON POST", async () => {
      const hook = await createEndpoint({ description: "Our onboarding dashboard" });
      assert.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
      const { eventId } = await announce("provider.ready", { providerId: "prv_1", name: "Contoso" });
      assert.match(eventId ?? "", /^evt_[0-9a-z]{26}$/);

      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 1, delivered: 1 });
      assert.equal(receiver.received.length, 1);
      const [got] = receiver.received;
      assert.ok(got);
      assert.equal(got.headers["content-type"], "application/json");
      assert.equal(got.headers["partner-cloud-event-id"], eventId);
      assert.equal(got.headers["partner-cloud-event-type"], "provider.ready");
      const signature = String(got.headers["partner-cloud-signature"]);
      assert.match(signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.deepEqual(verifySignature(hook.secret, signature, got.body, nowSeconds()), {
        ok: true,
        value: { timestamp: nowSeconds() },
      });
      assert.equal(verifySignature(hook.secret, signature, `${got.body} `, nowSeconds()).ok, false);
      assert.deepEqual(JSON.parse(got.body), {
        id: eventId,
        type: "provider.ready",
        createdAt: h.clock.now().toISOString(),
        orgId: w.orgA.id,
        data: { providerId: "prv_1", name: "Contoso" },
      });

      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 0, delivered: 0 });
      assert.equal(receiver.received.length, 1, "a delivered event is not sent again");
      const [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.eventId, eventId);
      assert.equal(delivery?.eventType, "provider.ready");
      assert.equal(delivery?.status, "delivered");
      assert.equal(delivery?.attempts, 1);
      assert.equal(delivery?.lastStatusCode, 200);
      assert.equal(delivery?.deliveredAt, h.clock.now().toISOString());
      assert.equal(delivery?.nextAttemptAt, null);
    });

    void test("a 500 from the receiver is retried after a backoff, with the same event and body, then delivered", async () => {
      const hook = await createEndpoint();
      receiver.answer(500);
      const { eventId } = await announce("provider.onboarding.started", { runId: "wf_1" });

      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 1, delivered: 0 });
      let [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.status, "pending");
      assert.equal(delivery?.attempts, 1);
      assert.equal(delivery?.lastStatusCode, 500);
      assert.match(delivery?.lastError ?? "", /answered 500/);
      const wait = new Date(delivery?.nextAttemptAt ?? 0).getTime() - h.clock.now().getTime();
      assert.ok(wait >= 15_000 && wait <= 30_000, `first retry in ${wait} ms`);

      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 0, delivered: 0 }, "not due yet");
      h.clock.advance(wait);
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 1, delivered: 1 });
      assert.equal(receiver.received.length, 2);
      const [first, second] = receiver.received;
      assert.equal(second?.body, first?.body, "a retry sends the same body");
      assert.equal(second?.headers["partner-cloud-event-id"], eventId);
      assert.ok(
        verifySignature(
          hook.secret,
          String(second?.headers["partner-cloud-signature"]),
          second?.body ?? "",
          nowSeconds(),
        ).ok,
        "a retry is signed at its own time",
      );
      [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.status, "delivered");
      assert.equal(delivery?.attempts, 2);
      assert.equal(delivery?.lastStatusCode, 200);
      assert.equal(delivery?.lastError, null);
    });

    void test("a receiver's Retry-After is waited for before the next attempt", async () => {
      const hook = await createEndpoint();
      receiver.answer({ status: 429, headers: { "retry-after": "600" } });
      await announce("provider.ready");
      await h.modules.webhooks.deliverDue();
      const [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.lastStatusCode, 429);
      assert.equal(
        new Date(delivery?.nextAttemptAt ?? 0).getTime() - h.clock.now().getTime(),
        600_000,
        "10 minutes, as asked, rather than the first backoff of 15 to 30 s",
      );
    });

    void test("an event enqueued in a transaction that rolls back is never delivered", async () => {
      const hook = await createEndpoint();
      await assert.rejects(
        h.database.db.transaction(async (tx) => {
          const queued = await h.modules.webhooks.enqueue(tx, {
            orgId: w.orgA.id,
            type: "provider.deleted",
            data: { providerId: "prv_1" },
          });
          assert.equal(queued.deliveryIds.length, 1);
          throw new Error("the change being announced failed");
        }),
        /the change being announced failed/,
      );
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 0, delivered: 0 });
      assert.equal(receiver.received.length, 0);
      assert.deepEqual((await deliveriesOf(hook.id)).items, []);
    });

    void test("two workers delivering at the same time send each event exactly once", async () => {
      await createEndpoint();
      receiver.slowDown(15);
      const eventIds: string[] = [];
      for (let i = 0; i < 25; i++) {
        const { eventId } = await announce("provider.onboarding.step_completed", { step: i });
        if (eventId) eventIds.push(eventId);
      }
      const rounds = await Promise.all([
        h.modules.webhooks.deliverDue(),
        instance().deliverDue(),
        instance().deliverDue(),
      ]);
      assert.equal(
        rounds.reduce((n, r) => n + r.attempted, 0),
        25,
      );
      assert.ok(rounds.filter((r) => r.attempted > 0).length >= 2, "the workers shared the work");
      const seen = receiver.received.map((r) => String(r.headers["partner-cloud-event-id"]));
      assert.deepEqual([...seen].sort(), [...eventIds].sort(), "every event once, none twice");
    });

    void test("the secret is shown at creation and on roll only, stored encrypted, and never in the audit log", async () => {
      const bodies: string[] = [];
      const call = async (method: "GET" | "POST" | "PATCH", url: string, body?: unknown) => {
        const res = await h.request(admin, method, url, body);
        assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${res.body}`);
        bodies.push(res.body);
        return res;
      };
      const hook = await createEndpoint();
      const first = hook.secret;
      await call("GET", `/api/v1/organizations/${w.orgA.id}/webhooks`);
      await call("GET", `/api/v1/webhooks/${hook.id}`);
      await call("PATCH", `/api/v1/webhooks/${hook.id}`, {
        description: "Renamed",
        eventTypes: ["provider.ready"],
      });
      await call("POST", `/api/v1/webhooks/${hook.id}/test`);
      await h.modules.webhooks.deliverDue();
      await call("GET", `/api/v1/webhooks/${hook.id}/deliveries`);
      for (const body of bodies) assert.ok(!body.includes(first), `the secret came back in ${body}`);
      assert.ok(!JSON.stringify(receiver.received).includes(first), "nor is it sent to the receiver");

      const rolled = (await call("POST", `/api/v1/webhooks/${hook.id}/roll-secret`)).json() as Webhook & {
        secret: string;
        previousSecretExpiresAt: string;
      };
      const second = rolled.secret;
      assert.match(second, /^whsec_/);
      assert.notEqual(second, first);
      assert.ok(!bodies.at(-1)?.includes(first), "rolling shows the new secret, not the old one");
      assert.equal(
        new Date(rolled.previousSecretExpiresAt).getTime() - h.clock.now().getTime(),
        24 * 3_600_000,
      );
      const afterRoll = await call("GET", `/api/v1/webhooks/${hook.id}`);
      assert.ok(!afterRoll.body.includes(first) && !afterRoll.body.includes(second));

      const [row] = await h.database.db
        .select()
        .from(webhookEndpoints)
        .where(eq(webhookEndpoints.id, hook.id));
      const box = createSecretBox([{ id: "k1", key: KEY }]);
      assert.ok(row && !JSON.stringify(row).includes(first) && !JSON.stringify(row).includes(second));
      assert.deepEqual(box.decrypt(row.secretEncrypted), { ok: true, value: second });

      const audit = (
        await h.database.query("SELECT t::text AS row, action FROM audit_events t WHERE target_id = $1", [
          hook.id,
        ])
      ).rows;
      assert.deepEqual(
        audit.map((r) => r["action"]),
        ["webhook.created", "webhook.updated", "webhook.tested", "webhook.secret_rolled"],
      );
      for (const r of audit) {
        assert.ok(!String(r["row"]).includes(first) && !String(r["row"]).includes(second), String(r["row"]));
        assert.ok(!String(r["row"]).includes("v1."), "nor the encrypted form");
      }
    });

    void test("after a roll both secrets sign until the previous one expires; keepPreviousForHours 0 ends it at once", async () => {
      const hook = await createEndpoint();
      const roll = async (body?: unknown) => {
        const res = await h.request(admin, "POST", `/api/v1/webhooks/${hook.id}/roll-secret`, body);
        assert.equal(res.status, 200, res.body);
        return (res.json() as { secret: string }).secret;
      };
      const signedWith = async () => {
        receiver.reset();
        await announce("provider.ready");
        await h.modules.webhooks.deliverDue();
        const [got] = receiver.received;
        return (secret: string) =>
          verifySignature(
            secret,
            String(got?.headers["partner-cloud-signature"]),
            got?.body ?? "",
            nowSeconds(),
          ).ok;
      };

      const second = await roll();
      let verifies = await signedWith();
      assert.equal(verifies(second), true);
      assert.equal(verifies(hook.secret), true, "the previous secret still verifies during the overlap");

      h.clock.advance(24 * 3_600_000 + 1000);
      admin = await h.sessionFor(w.ids.orgAdmin);
      verifies = await signedWith();
      assert.equal(verifies(second), true);
      assert.equal(verifies(hook.secret), false, "the previous secret no longer signs after 24 h");

      const third = await roll({ keepPreviousForHours: 0 });
      verifies = await signedWith();
      assert.equal(verifies(third), true);
      assert.equal(verifies(second), false, "after a roll with 0 hours only the new secret signs");
    });

    void test("only the organization's administrators and operators manage its webhooks; other organizations see none", async () => {
      const hook = await createEndpoint();
      const urls: ["GET" | "POST" | "PATCH" | "DELETE", string, unknown?][] = [
        ["GET", `/api/v1/organizations/${w.orgA.id}/webhooks`],
        ["POST", `/api/v1/organizations/${w.orgA.id}/webhooks`, { url: receiver.url, eventTypes: ["*"] }],
        ["GET", `/api/v1/webhooks/${hook.id}`],
        ["PATCH", `/api/v1/webhooks/${hook.id}`, { enabled: false }],
        ["POST", `/api/v1/webhooks/${hook.id}/roll-secret`],
        ["POST", `/api/v1/webhooks/${hook.id}/test`],
        ["GET", `/api/v1/webhooks/${hook.id}/deliveries`],
        ["DELETE", `/api/v1/webhooks/${hook.id}`],
      ];
      const expectations: [string, Auth, number][] = [
        ["a workspace administrator", await h.sessionFor(w.ids.wsAdmin), 403],
        ["a cost-center administrator", await h.sessionFor(w.ids.ccAdmin), 403],
        ["another organization's administrator", await h.sessionFor(w.ids.otherOrgAdmin), 404],
        ["nobody signed in", { kind: "anonymous" }, 401],
      ];
      for (const [who, auth, status] of expectations)
        for (const [method, url, body] of urls) {
          const res = await h.request(auth, method, url, body);
          assert.equal(res.status, status, `${who}: ${method} ${url} → ${res.body}`);
          assert.deepEqual(Object.keys(res.json() as object), ["error"], "a refusal carries no data");
        }
      const read = { kind: "token", secret: w.tokens.read } as const;
      assert.equal((await h.request(read, "GET", `/api/v1/webhooks/${hook.id}`)).status, 200);
      assert.equal((await h.request(read, "POST", `/api/v1/webhooks/${hook.id}/test`)).status, 403);
      assert.equal((await h.request(operator, "GET", `/api/v1/webhooks/${hook.id}`)).status, 200);
      const nowhere = await h.request(
        operator,
        "GET",
        `/api/v1/organizations/org_${"0".repeat(26)}/webhooks`,
      );
      assert.equal(nowhere.status, 404, "an operator naming no organization is told so");
      assert.equal((await h.request(admin, "GET", `/api/v1/webhooks/wh_${"0".repeat(26)}`)).status, 404);
    });

    void test("a bad URL or event type gets 400 naming the field and how to fix it", async () => {
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ url: "http://hooks.example.com/in" }, "url", /https:\/\//],
        [{ url: "not a url" }, "url", /absolute address/],
        [{ url: "ftp://example.com/in" }, "url", /https:\/\//],
        [{ url: "https://user:password@example.com/in" }, "url", /user name or password/],
        [{ url: undefined }, "url", /url is required/],
        [{ eventTypes: ["provider.exploded"] }, "eventTypes.0", /one of provider\.onboarding\.started/],
        [{ eventTypes: [] }, "eventTypes", /at least one/],
        [{ eventTypes: ["*", "provider.ready"] }, "eventTypes", /give it alone/],
      ];
      for (const [over, field, message] of cases) {
        const res = await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/webhooks`, {
          url: receiver.url,
          eventTypes: ["*"],
          ...over,
        });
        assert.equal(res.status, 400, JSON.stringify(over));
        const body = res.json() as ErrorBody;
        assert.equal(body.error.code, "validation_failed");
        const blamed = body.error.fields?.find((f) => f.path === field);
        assert.ok(blamed, `${field} blamed for ${JSON.stringify(over)}: ${res.body}`);
        assert.match(blamed.message, message);
      }
      const hook = await createEndpoint();
      const patch = await h.request(admin, "PATCH", `/api/v1/webhooks/${hook.id}`, {
        url: "http://example.com",
      });
      assert.equal(patch.status, 400);
      assert.equal((patch.json() as ErrorBody).error.fields?.[0]?.path, "url");
      const empty = await h.request(admin, "PATCH", `/api/v1/webhooks/${hook.id}`, {});
      assert.equal(empty.status, 400);
      assert.match((empty.json() as ErrorBody).error.message, /at least one of url/);
    });

    void test("an organization has at most five endpoints", async () => {
      for (let i = 0; i < 5; i++) await createEndpoint({ description: `Endpoint ${i}` });
      const sixth = await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/webhooks`, {
        url: receiver.url,
        eventTypes: ["*"],
      });
      assert.equal(sixth.status, 409);
      const body = sixth.json() as ErrorBody;
      assert.equal(body.error.code, "webhook_limit");
      assert.match(body.error.message, /already has 5 webhook endpoints/);
    });

    void test("events go to the enabled endpoints subscribed to their type; disabling cancels what is pending", async () => {
      const ready = await createEndpoint({ eventTypes: ["provider.ready"] });
      const everything = await createEndpoint({ eventTypes: ["*"] });
      const disabled = await createEndpoint({ eventTypes: ["provider.deleted"], enabled: false });
      assert.equal(disabled.enabled, false);

      assert.equal((await announce("provider.ready")).deliveryIds.length, 2);
      assert.equal((await announce("provider.deleted")).deliveryIds.length, 1);
      assert.equal((await announce("provider.ready", {}, w.orgB.id)).eventId, null, "B has no endpoints");
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 3, delivered: 3 });
      assert.deepEqual(
        [
          (await deliveriesOf(ready.id)).items,
          (await deliveriesOf(everything.id)).items,
          (await deliveriesOf(disabled.id)).items,
        ].map((items) => items.map((d) => d.eventType).sort()),
        [["provider.ready"], ["provider.deleted", "provider.ready"], []],
      );

      receiver.answer(503);
      await announce("provider.onboarding.failed", { reason: "x" });
      await h.modules.webhooks.deliverDue();
      const off = await h.request(admin, "PATCH", `/api/v1/webhooks/${everything.id}`, { enabled: false });
      assert.equal((off.json() as Webhook).enabled, false);
      const [cancelled] = (await deliveriesOf(everything.id)).items.filter(
        (d) => d.eventType === "provider.onboarding.failed",
      );
      assert.equal(cancelled?.status, "cancelled");
      assert.equal(cancelled?.lastError, "the endpoint was disabled");
      h.clock.advance(3_600_000);
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 0, delivered: 0 });
      admin = await h.sessionFor(w.ids.orgAdmin);

      const test = await h.request(admin, "POST", `/api/v1/webhooks/${everything.id}/test`);
      assert.equal(test.status, 409);
      assert.equal((test.json() as ErrorBody).error.code, "webhook_disabled");
    });

    void test("the test action sends webhook.test to that endpoint, whatever it subscribes to", async () => {
      const hook = await createEndpoint({ eventTypes: ["provider.deleted"] });
      const res = await h.request(admin, "POST", `/api/v1/webhooks/${hook.id}/test`);
      assert.equal(res.status, 202, res.body);
      const { eventId } = res.json() as { eventId: string };
      await h.modules.webhooks.deliverDue();
      const [got] = receiver.received;
      assert.equal(got?.headers["partner-cloud-event-type"], "webhook.test");
      assert.equal(got?.headers["partner-cloud-event-id"], eventId);
      const envelope = JSON.parse(got?.body ?? "{}") as { type: string; data: { webhookId: string } };
      assert.equal(envelope.type, "webhook.test");
      assert.equal(envelope.data.webhookId, hook.id);
    });

    void test("a delivery is given up after the last attempt, keeping the last status and error", async () => {
      const hook = await createEndpoint();
      const strict = instance({ retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 3 } });
      receiver.answer(503, 503, 502);
      await announce("provider.onboarding.stuck");
      for (let i = 0; i < 3; i++) {
        assert.equal((await strict.deliverDue()).attempted, 1);
        h.clock.advance(1000);
      }
      const [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.status, "failed");
      assert.equal(delivery?.attempts, 3);
      assert.equal(delivery?.lastStatusCode, 502);
      assert.match(delivery?.lastError ?? "", /answered 502.*gave up after 3 attempts/);
      assert.equal(delivery?.nextAttemptAt, null);
      h.clock.advance(86_400_000);
      assert.deepEqual(await strict.deliverDue(), { attempted: 0, delivered: 0 });
      assert.equal(receiver.received.length, 3);
    });

    void test("a receiver that does not answer in time, or cannot be reached, is a failed attempt saying why", async () => {
      const hook = await createEndpoint();
      receiver.answer("hang");
      await announce("provider.ready");
      await instance({ timeoutMs: 200 }).deliverDue();
      let [delivery] = (await deliveriesOf(hook.id)).items;
      assert.equal(delivery?.status, "pending");
      assert.equal(delivery?.lastStatusCode, null);
      assert.equal(delivery?.lastError, "no answer within 0.2 s");

      const closed = await startReceiver();
      await closed.close();
      const unreachable = await createEndpoint({ url: closed.url, eventTypes: ["provider.deleted"] });
      await announce("provider.deleted");
      await h.modules.webhooks.deliverDue();
      [delivery] = (await deliveriesOf(unreachable.id)).items;
      assert.match(delivery?.lastError ?? "", /the request failed: .*ECONNREFUSED/);
    });

    void test("a delivery whose worker stopped mid-attempt is sent again when its lease ends, or given up after the last attempt", async () => {
      const hook = await createEndpoint();
      let started = 0;
      /** A worker that claims deliveries and never hears back: as if its process died during the request. */
      const stalled = (over: Partial<WebhooksDeps> = {}) =>
        instance({
          fetch: () => {
            started++;
            return new Promise<Response>(() => undefined);
          },
          ...over,
        });
      const claimedBy = async (n: number) => {
        for (let i = 0; i < 200 && started < n; i++) await new Promise((r) => setTimeout(r, 5));
        assert.equal(started, n);
      };

      const { eventId } = await announce("provider.onboarding.succeeded");
      void stalled().deliverDue();
      await claimedBy(1);
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 0, delivered: 0 }, "leased");
      h.clock.advance(60_000);
      assert.deepEqual(await h.modules.webhooks.deliverDue(), { attempted: 1, delivered: 1 });
      assert.equal(receiver.received[0]?.headers["partner-cloud-event-id"], eventId);
      const [sent] = (await deliveriesOf(hook.id)).items;
      assert.deepEqual([sent?.status, sent?.attempts], ["delivered", 2]);

      const once = { retry: { baseMs: 1000, maxMs: 1000, maxAttempts: 1 } };
      await announce("provider.onboarding.cancelled");
      void stalled(once).deliverDue();
      await claimedBy(2);
      h.clock.advance(60_000);
      assert.deepEqual(await instance(once).deliverDue(), { attempted: 0, delivered: 0 });
      const [lost] = (await deliveriesOf(hook.id)).items.filter(
        (d) => d.eventType === "provider.onboarding.cancelled",
      );
      assert.equal(lost?.status, "failed");
      assert.match(lost?.lastError ?? "", /no outcome was recorded for attempt 1/);
      assert.equal(receiver.received.length, 1);
    });

    void test("deliveries are listed newest first, a page at a time", async () => {
      const hook = await createEndpoint();
      const ids: string[] = [];
      for (const type of [
        "provider.onboarding.started",
        "provider.onboarding.waiting",
        "provider.ready",
      ] as const) {
        h.clock.advance(1000);
        ids.push((await announce(type)).eventId ?? "");
      }
      const first = await deliveriesOf(hook.id, "?limit=2");
      assert.deepEqual(
        first.items.map((d) => d.eventId),
        [ids[2], ids[1]],
      );
      const rest = await deliveriesOf(hook.id, `?limit=2&cursor=${first.nextCursor ?? ""}`);
      assert.deepEqual([rest.items.map((d) => d.eventId), rest.nextCursor], [[ids[0]], null]);
    });

    void test("the worker delivers on its own every pollMs until stopped", async () => {
      await createEndpoint();
      const worker = h.modules.webhooks.startWorker({ pollMs: 20 });
      try {
        const { eventId } = await announce("provider.ready");
        for (let i = 0; i < 100 && receiver.received.length === 0; i++)
          await new Promise((r) => setTimeout(r, 20));
        assert.equal(receiver.received[0]?.headers["partner-cloud-event-id"], eventId);
      } finally {
        await worker.stop();
      }
    });
  });
}
