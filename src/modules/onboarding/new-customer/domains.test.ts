import assert from "node:assert/strict";
import test from "node:test";
import { DOMAIN_PREFIX, domainCandidates, prefixFromName } from "./domains.ts";

void test("a company name becomes a valid prefix without accents, spaces or punctuation", () => {
  assert.equal(prefixFromName("Société Générale d'Électricité & Co."), "societegeneraledelectric");
  assert.ok(DOMAIN_PREFIX.test(prefixFromName("Société Générale d'Électricité & Co.")));
  assert.equal(prefixFromName("A1"), "a1azure");
});

void test("candidates are the requested prefix alone, or the company's with a counter, always the same list", () => {
  assert.deepEqual(domainCandidates({ requested: "fabrikam01", companyName: "Fabrikam" }), ["fabrikam01"]);
  const list = domainCandidates({ requested: null, companyName: "Fabrikam Ltd" }, 4);
  assert.deepEqual(list, ["fabrikamltd", "fabrikamltd2", "fabrikamltd3", "fabrikamltd4"]);
  assert.deepEqual(domainCandidates({ requested: null, companyName: "Fabrikam Ltd" }, 4), list);
  for (const c of domainCandidates({ requested: null, companyName: "x".repeat(60) }))
    assert.ok(DOMAIN_PREFIX.test(c));
});
