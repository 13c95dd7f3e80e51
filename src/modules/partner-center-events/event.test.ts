import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { customerIdOf, parseEvent, RESELLER_RELATIONSHIP_ACCEPTED } from "./event.ts";

const ID = "4d3c2b1a-0f9e-4d8c-b7a6-112233445566";
const body = (o: unknown) => new Uint8Array(Buffer.from(JSON.stringify(o)));

void describe("a Partner Center event", () => {
  const uris: [string, string | null][] = [
    [`https://api.partnercenter.microsoft.com/v1/customers/${ID}`, ID],
    [`https://api.partnercenter.microsoft.com/v1/customers/${ID.toUpperCase()}/`, ID],
    [`https://emulator.test:8443/v1/customers/${ID}`, ID],
    [`https://api.partnercenter.microsoft.com/v1/customers/${ID}/subscriptions/abc`, null],
    ["https://api.partnercenter.microsoft.com/v1/customers/not-a-guid", null],
    [`https://api.partnercenter.microsoft.com/v1/customers/${ID}/../..`, null],
    [`/v1/customers/${ID}`, null],
    ["https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/x", null],
  ];
  for (const [uri, expected] of uris)
    void test(`ResourceUri ${uri} names ${expected ? "the customer" : "no customer"}`, () => {
      assert.equal(customerIdOf(uri), expected);
    });

  void test("the acceptance event gives its customer id; another event is read without one", () => {
    const accepted = parseEvent(
      body({
        EventName: RESELLER_RELATIONSHIP_ACCEPTED,
        ResourceUri: `https://api.partnercenter.microsoft.com/v1/customers/${ID}`,
        ResourceName: "Customer",
        AuditUri: null,
        ResourceChangeUtcDate: "2026-11-02T09:00:00Z",
      }),
    );
    assert.deepEqual(accepted, {
      ok: true,
      value: { eventName: RESELLER_RELATIONSHIP_ACCEPTED, customerTenantId: ID },
    });
    const test = parseEvent(
      body({
        EventName: "test-created",
        ResourceUri: "https://x.test/webhooks/v1/registration/test",
        Extra: 1,
      }),
    );
    assert.deepEqual(test, { ok: true, value: { eventName: "test-created", customerTenantId: null } });
  });

  void test("a body that is not an event is refused, saying what is wrong", () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(Buffer.from("{not json")), /not JSON/],
      [body({ ResourceUri: "x" }), /EventName/],
      [
        body({ EventName: RESELLER_RELATIONSHIP_ACCEPTED, ResourceUri: "https://x.test/v1/customers" }),
        /names no customer/,
      ],
    ];
    for (const [raw, why] of cases) {
      const parsed = parseEvent(raw);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) {
        assert.equal(parsed.error.code, "validation_failed");
        assert.match(parsed.error.message, why);
      }
    }
  });
});
