import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { installFaults } from "./faults.ts";
import { installObserver, type EmulatorObserver } from "./observer.ts";

type Answer = { status: number; headers: http.IncomingHttpHeaders } | { error: string };

void describe("the emulator's request observer", () => {
  let app: FastifyInstance;
  let observer: EmulatorObserver;
  let port = 0;
  let created = 0;

  before(async () => {
    app = Fastify();
    observer = installObserver(app);
    installFaults(app);
    app.post("/v1/customers", async (_req, reply) => {
      created += 1;
      return reply.code(201).send({ created });
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as AddressInfo).port;
  });
  after(() => app.close());

  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port,
          method,
          path,
          headers: { "content-type": "application/json", ...headers },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        },
      );
      req.on("error", (e) => resolve({ error: e.message }));
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });

  void test("a request held on arrival and cut is never acted on", async () => {
    const before = created;
    const pending = observer.hold({ route: "POST /v1/customers", phase: "received" });
    const answer = send("POST", "/v1/customers", {});
    const held = await pending.held;
    assert.equal(held.request.route, "POST /v1/customers");
    assert.equal(created, before, "nothing is done while the request is held");
    held.cut();
    assert.ok("error" in (await answer), "the caller gets no answer");
    assert.equal(created, before, "the cut request was not handled");
  });

  void test("a request held once applied has its effect, and released its answer reaches the caller", async () => {
    const before = created;
    const pending = observer.hold({ route: "POST /v1/customers", phase: "applied" });
    const answer = send("POST", "/v1/customers", {});
    const held = await pending.held;
    assert.equal(created, before + 1, "the emulator acted before the hold");
    assert.equal(held.request.status, 201);
    held.release();
    const got = await answer;
    assert.ok("status" in got && got.status === 201);
  });

  void test("a recorder keeps each request with its request id, status and Retry-After, and no control route", async () => {
    const recorder = observer.record();
    const fault = await send("POST", "/_emulator/faults", {
      route: "POST /v1/customers",
      kind: "status",
      status: 429,
      retryAfterSeconds: 2,
    });
    assert.ok("status" in fault && fault.status === 201);
    await send("POST", "/v1/customers?x=1", {}, { "ms-requestid": "r-1" });
    await send("POST", "/v1/customers", {}, { "ms-requestid": "r-1" });
    recorder.stop();
    await send("POST", "/v1/customers", {});
    assert.deepEqual(
      recorder.requests.map((r) => [r.route, r.url, r.requestId, r.status, r.retryAfterSeconds]),
      [
        ["POST /v1/customers", "/v1/customers?x=1", "r-1", 429, 2],
        ["POST /v1/customers", "/v1/customers", "r-1", 201, null],
      ],
    );
    const [first] = recorder.requests;
    assert.ok(first && first.answeredAt !== null && first.answeredAt >= first.receivedAt);
  });

  void test("a withdrawn hold catches nothing, and cutAll frees whatever is held", async () => {
    const withdrawn = observer.hold({ route: "POST /v1/customers", phase: "received" });
    withdrawn.cancel();
    const answered = await send("POST", "/v1/customers", {});
    assert.ok("status" in answered && answered.status === 201);
    const pending = observer.hold({ route: "POST /v1/customers", phase: "received" });
    const answer = send("POST", "/v1/customers", {});
    await pending.held;
    observer.cutAll();
    assert.ok("error" in (await answer));
  });
});
