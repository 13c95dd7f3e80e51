import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Decimal as Big } from "decimal.js";
import fc from "fast-check";
import {
  allocate,
  createPricePlan,
  decimal,
  formatDecimal,
  normalize,
  parseDecimal,
  rateLine,
  roundToMinorUnit,
  type Decimal,
  type UsageLine,
} from "../src/modules/billing/engine/index.ts";

/*
 * Money properties (M1): allocation, rounding per ISO 4217 exponent, parsing and formatting, and rating with
 * Microsoft's long unit prices, each against decimal.js as the independent reference, 10,000 runs each.
 */
const RUNS = Number.parseInt(process.env["MONEY_PROPERTY_RUNS"] ?? "10000", 10);
const Ref = Big.clone({ precision: 200, rounding: Big.ROUND_HALF_UP });

const text = (d: Decimal) => formatDecimal(normalize(d));
const ref = (d: Decimal) => new Ref(formatDecimal(d));
const sameValue = (d: Decimal, r: Big) => new Ref(formatDecimal(d)).equals(r);

/** A decimal of up to `digits` significant digits and `maxScale` decimals, possibly negative. */
const decimalArb = (digits: number, maxScale: number, signed = true) =>
  fc
    .record({
      units: fc.bigInt({ min: signed ? -(10n ** BigInt(digits)) + 1n : 0n, max: 10n ** BigInt(digits) - 1n }),
      scale: fc.integer({ min: 0, max: maxScale }),
    })
    .map(({ units, scale }): Decimal => ({ units, scale }));

const currencies = [
  ["JPY", 0],
  ["USD", 2],
  ["KWD", 3],
  ["CLF", 4],
] as const;

void describe("money properties (M1)", () => {
  void test("allocate splits a total in whole minor units adding up to it, each share within one minor unit of its exact proportion", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...currencies),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.array(decimalArb(10, 6, false), { minLength: 1, maxLength: 12 }),
        fc.nat(11),
        ([currency, places], minor, rawWeights, forced) => {
          const weights = rawWeights.map((w, i) =>
            i === forced % rawWeights.length && w.units === 0n ? { units: 1n, scale: 0 } : w,
          );
          const total: Decimal = { units: minor, scale: places };
          const shares = allocate(total, weights, currency);
          assert.equal(shares.length, weights.length);
          const sum = shares.reduce((s, x) => s.plus(ref(x)), new Ref(0));
          assert.ok(sum.equals(ref(total)), `${sum.toString()} = ${formatDecimal(total)}`);
          const weightSum = weights.reduce((s, w) => s.plus(ref(w)), new Ref(0));
          shares.forEach((share, i) => {
            const w = weights[i];
            assert.ok(w);
            assert.equal(share.scale, places);
            const exact = ref(total).times(ref(w)).dividedBy(weightSum);
            const oneUnit = new Ref(1).dividedBy(new Ref(10).pow(places));
            assert.ok(
              ref(share).minus(exact).abs().lessThan(oneUnit),
              `${text(share)} vs ${exact.toString()}`,
            );
            if (w.units === 0n) assert.equal(share.units, 0n, "a zero weight gets nothing");
          });
          const negated = allocate({ units: -minor, scale: places }, weights, currency);
          assert.deepEqual(
            negated.map((x) => x.units),
            shares.map((x) => -x.units),
            "a credit's shares are the charge's negated",
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  void test("allocate refuses negative weights and weights adding up to zero", () => {
    assert.throws(() => allocate(decimal("1.00"), [decimal("1"), decimal("-1")], "USD"), /negative/);
    assert.throws(() => allocate(decimal("1.00"), [decimal("0"), decimal("0.000")], "USD"), /zero/);
    assert.throws(() => allocate(decimal("1.005"), [decimal("1")], "USD"), /round the total first/);
    assert.deepEqual(allocate(decimal("0.10"), [decimal("1"), decimal("1"), decimal("1")], "USD").map(text), [
      "0.04",
      "0.03",
      "0.03",
    ]);
  });

  void test("rounding to each currency's ISO 4217 exponent is half away from zero, as decimal.js's ROUND_HALF_UP", () => {
    fc.assert(
      fc.property(fc.constantFrom(...currencies), decimalArb(30, 25), ([currency, places], amount) => {
        const ours = roundToMinorUnit(amount, currency);
        assert.equal(ours.scale, places);
        const theirs = ref(amount).toDecimalPlaces(places, Ref.ROUND_HALF_UP);
        assert.ok(
          sameValue(ours, theirs),
          `${formatDecimal(amount)} ${currency}: ${text(ours)} vs ${theirs.toString()}`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  void test("fixed rounding vectors: ties go away from zero (not to even)", () => {
    const vectors: [string, string, string][] = [
      ["0.125", "USD", "0.13"],
      ["0.135", "USD", "0.14"],
      ["-0.125", "USD", "-0.13"],
      ["-0.135", "USD", "-0.14"],
      ["2.475", "USD", "2.48"],
      ["0.1249999999", "USD", "0.12"],
      ["0.5", "JPY", "1"],
      ["-0.5", "JPY", "-1"],
      ["1234.4999", "JPY", "1234"],
      ["1.0005", "KWD", "1.001"],
      ["-1.0005", "KWD", "-1.001"],
      ["0.00005", "CLF", "0.0001"],
      ["7", "CLF", "7.0000"],
    ];
    for (const [amount, currency, expected] of vectors)
      assert.equal(
        formatDecimal(roundToMinorUnit(decimal(amount), currency)),
        expected,
        `${amount} ${currency}`,
      );
  });

  void test("parsing and formatting round-trip: the text written is the text read, the value read is the value written", () => {
    fc.assert(
      fc.property(decimalArb(38, 30), (d) => {
        const written = formatDecimal(d);
        const read = parseDecimal(written);
        assert.ok(read);
        assert.deepEqual(read, d);
        assert.equal(formatDecimal(read), written);
        assert.ok(sameValue(d, new Ref(written)));
      }),
      { numRuns: RUNS },
    );
  });

  void test("rating rows with Microsoft's 16–22 digit unit prices gives exactly what decimal.js computes", () => {
    // Shapes from billing-data.md §1.6: unit prices with ~16 significant digits (0.0209951014286867), effective
    // prices with up to 22 decimals, quantities with 6 to 10 decimals, monthly rates with 4 to 6.
    const price = fc
      .record({ digits: fc.integer({ min: 16, max: 22 }), lead: fc.integer({ min: 0, max: 4 }) })
      .chain(({ digits, lead }) =>
        fc
          .bigInt({ min: 10n ** BigInt(digits - 1), max: 10n ** BigInt(digits) - 1n })
          .map((units): Decimal => ({ units, scale: digits - lead })),
      );
    fc.assert(
      fc.property(
        price,
        fc.integer({ min: 0, max: 100 }),
        decimalArb(14, 10, false),
        decimalArb(7, 6, false).filter((r) => r.units > 0n),
        decimalArb(8, 6),
        (unitPrice, pecPercent, quantity, rate, markup) => {
          const boundedMarkup = ref(markup).lessThan(-100) ? decimal("-100") : markup;
          const effectiveUnitPrice = decimal(
            ref(unitPrice)
              .times(new Ref(100 - pecPercent).dividedBy(100))
              .toFixed(),
          );
          const plan = createPricePlan({ markupPercent: boundedMarkup });
          assert.ok(plan.ok);
          const line: UsageLine = {
            line: 2,
            customerId: "c",
            customerName: "C",
            usageDate: "2026-10-01",
            meterCategory: "Virtual Machines",
            unitPrice,
            quantity,
            effectiveUnitPrice,
            pricingCurrency: "USD",
            billingCurrency: "GBP",
            pcToBCExchangeRate: rate,
            pcToBCExchangeRateDate: "2026-09-30",
          };
          const rated = rateLine(line, plan.value);
          const list = ref(unitPrice).times(ref(quantity));
          assert.ok(sameValue(rated.listPrice, list));
          assert.ok(sameValue(rated.partnerCost, ref(effectiveUnitPrice).times(ref(quantity))));
          const customer = list.times(ref(rate)).times(new Ref(1).plus(ref(boundedMarkup).dividedBy(100)));
          assert.ok(
            sameValue(rated.customerPrice, customer),
            `${text(rated.customerPrice)} vs ${customer.toFixed()}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
