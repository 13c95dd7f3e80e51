import assert from "node:assert/strict";
import { test } from "node:test";
import { eligibilityOf, type EligibilityFacts, type IneligibilityCode } from "./eligibility.ts";

const good: EligibilityFacts = {
  alias: "PCUK",
  name: "Contoso UK",
  country: "GB",
  status: "active",
  demo: false,
  internal: false,
  reseller: false,
  parentReseller: false,
};
const supported = ["US", "GB", "CA"];

const cases: [string, Partial<EligibilityFacts>, IneligibilityCode[]][] = [
  ["an active, billable account in a supported country is eligible", {}, []],
  ["a lower-case supported country is still supported", { country: "gb" }, []],
  ["a billing country outside the partner's list is refused", { country: "DE" }, ["ineligible_country"]],
  ["a reseller is refused", { reseller: true }, ["ineligible_reseller"]],
  [
    "a reseller's customer (a parent flagged reseller) is refused",
    { parentReseller: true },
    ["ineligible_reseller"],
  ],
  [
    "a reseller under a reseller gives one reseller reason",
    { reseller: true, parentReseller: true },
    ["ineligible_reseller"],
  ],
  ["a demo account is not billable", { demo: true }, ["ineligible_not_billable"]],
  ["an internal account is not billable", { internal: true }, ["ineligible_not_billable"]],
  ["a disabled account is inactive", { status: "disabled" }, ["ineligible_inactive"]],
  [
    "every failed rule is reported, in the order of the rules",
    { country: "FR", reseller: true, demo: true, status: "disabled" },
    ["ineligible_country", "ineligible_reseller", "ineligible_not_billable", "ineligible_inactive"],
  ],
];

for (const [name, change, codes] of cases)
  void test(name, () => {
    const verdict = eligibilityOf({ ...good, ...change }, supported);
    assert.deepEqual(
      verdict.reasons.map((r) => r.code),
      codes,
    );
    assert.equal(verdict.eligible, codes.length === 0);
  });

void test("each reason names the account and the rule, and points to a support request", () => {
  const verdict = eligibilityOf({ ...good, country: "DE", demo: true }, supported);
  const [country, billable] = verdict.reasons;
  assert.ok(country && billable);
  assert.match(country.message, /Contoso UK \(PCUK\)/);
  assert.match(country.message, /billing country DE is not one the partner supports \(US, GB, CA\)/);
  assert.match(billable.message, /demo account, which is not billed/);
  assert.match(country.wayForward, /open a support request/);
  assert.deepEqual(country.support, {
    kind: "support_request",
    topic: "billing_account_eligibility",
    subject: "Billing account PCUK is not eligible (ineligible_country)",
    summary: country.message,
    accountAlias: "PCUK",
    reason: "ineligible_country",
  });
});

void test("the partner's supported countries decide the country rule", () => {
  const german = { ...good, country: "DE" };
  assert.equal(eligibilityOf(german, supported).eligible, false);
  assert.equal(eligibilityOf(german, [...supported, "DE"]).eligible, true);
});
