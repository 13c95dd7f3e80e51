import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../../platform/seeded-random.ts";
import { add, decimal, formatDecimal, fromUnits, normalize, ZERO, type Decimal } from "./decimal.ts";
import { createPricePlan, type PricePlan } from "./price-plan.ts";
import { createRating, rateLine, type CustomerRating } from "./rating.ts";
import { roundToMinorUnit } from "./rounding.ts";
import { CONTOSO, FABRIKAM } from "./test-usage-csv.ts";
import type { UsageLine } from "./usage-csv.ts";

const usage = (values: Partial<UsageLine> = {}): UsageLine => ({
  line: 2,
  customerId: CONTOSO,
  customerName: "Contoso Ltd",
  usageDate: "2024-05-14",
  meterCategory: "Virtual Machines",
  unitPrice: decimal("0.096"),
  quantity: decimal("24"),
  effectiveUnitPrice: decimal("0.0816"),
  pricingCurrency: "USD",
  billingCurrency: "USD",
  pcToBCExchangeRate: decimal("1"),
  pcToBCExchangeRateDate: "2024-04-30",
  ...values,
});

function plan(markup: string, byCategory: Record<string, string> = {}): PricePlan {
  const created = createPricePlan({
    markupPercent: decimal(markup),
    meterCategoryMarkupPercent: Object.fromEntries(
      Object.entries(byCategory).map(([k, v]) => [k, decimal(v)]),
    ),
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value;
}

const text = (d: Decimal) => formatDecimal(d);

void test("a row's list price, partner cost and customer price come from UnitPrice, EffectiveUnitPrice and the rate", () => {
  const rated = rateLine(
    usage({
      unitPrice: decimal("0.0209951014286867"),
      quantity: decimal("23.350007"),
      effectiveUnitPrice: decimal("0.01784583621438369500"),
      billingCurrency: "GBP",
      pcToBCExchangeRate: decimal("0.7912"),
    }),
    plan("10"),
  );
  assert.equal(text(rated.listPrice), "0.4902357653255444458069");
  assert.equal(text(rated.partnerCost), "0.41670040052671277893586500");
  assert.equal(text(rated.listPriceBilled), "0.38787453752557076552241928");
  assert.equal(text(rated.partnerCostBilled), "0.329693356896735150694056388000");
  assert.equal(text(rated.customerPrice), "0.4266619912781278420746612080");
  assert.deepEqual(
    { ...rated.exchangeRate, rate: text(rated.exchangeRate.rate) },
    { from: "USD", to: "GBP", rate: "0.7912", source: "microsoft", date: "2024-04-30" },
  );
  assert.equal(rated.serviceClass, "iaas");
});

void test("a meter category can have its own markup, and a negative markup is a discount", () => {
  const p = plan("-5", { "virtual  MACHINES": "12.5" });
  assert.equal(
    text(rateLine(usage({ unitPrice: decimal("2"), quantity: decimal("10") }), p).customerPrice),
    "22.500",
  );
  const sql = usage({ meterCategory: "SQL Database", unitPrice: decimal("2"), quantity: decimal("10") });
  assert.equal(text(rateLine(sql, p).customerPrice), "19.00");
  assert.equal(rateLine(sql, p).serviceClass, "saas");
  assert.equal(text(rateLine(sql, plan("-100")).customerPrice), "0.00");
});

void test("a discount beyond 100 % or a nameless category is refused", () => {
  const tooMuch = createPricePlan({ markupPercent: decimal("-100.01") });
  assert.ok(!tooMuch.ok && tooMuch.error.details.field === "markupPercent");
  const nameless = createPricePlan({ meterCategoryMarkupPercent: { " ": decimal("5") } });
  assert.ok(!nameless.ok && nameless.error.code === "price_plan_invalid");
});

/** Random rows of a few customers, currencies, rates and categories, with prices of up to 22 decimals. */
function randomMonth(seed: number, count: number): UsageLine[] {
  const r = seededRandom(seed);
  const customers = [
    { customerId: CONTOSO, customerName: "Contoso Ltd", billingCurrency: "USD", rate: "1" },
    { customerId: FABRIKAM, customerName: "Fabrikam GmbH", billingCurrency: "EUR", rate: "0.9213" },
    {
      customerId: "11111111-2222-4333-8444-555555555555",
      customerName: "Tailspin KK",
      billingCurrency: "JPY",
      rate: "151.2345",
    },
    {
      customerId: "66666666-7777-4888-9999-000000000000",
      customerName: "Gulf Traders",
      billingCurrency: "KWD",
      rate: "0.3071",
    },
  ];
  const categories = ["Virtual Machines", "Storage", "SQL Database", "Bandwidth", "Log Analytics"];
  const digits = (n: number) =>
    BigInt(Math.floor(r() * 10 ** Math.min(n, 15))) * 10n ** BigInt(Math.max(0, n - 15));
  return Array.from({ length: count }, (_, i) => {
    const c = customers[Math.floor(r() * customers.length)];
    if (!c) throw new Error("no customer drawn");
    const unitPrice = fromUnits(digits(17), 16);
    const pec = r() < 0.8;
    return usage({
      line: i + 2,
      customerId: c.customerId,
      customerName: c.customerName,
      billingCurrency: c.billingCurrency,
      pcToBCExchangeRate: decimal(r() < 0.1 ? `${c.rate}0` : c.rate),
      meterCategory: categories[Math.floor(r() * categories.length)] ?? "Storage",
      unitPrice,
      effectiveUnitPrice: pec ? fromUnits(unitPrice.units * 85n, 18) : unitPrice,
      quantity: fromUnits((r() < 0.02 ? -1n : 1n) * digits(10), 6 + Math.floor(r() * 5)),
    });
  });
}

const totalsOf = (ratings: CustomerRating[]) =>
  ratings.map((c) => ({
    customer: `${c.customerId} ${c.billingCurrency}`,
    rows: c.rows,
    listPrice: text(c.listPrice),
    partnerCost: text(c.partnerCost),
    customerPrice: text(c.customerPrice),
    margin: text(c.margin),
    lines: c.invoiceLines.map((l) => `${l.label} ${text(l.amount)} (${text(l.unrounded)})`),
  }));

void test("the invoice equals the sum of the rows rated one by one, to the last digit, rounded once", () => {
  const p = plan("7.25", { Storage: "3", "Log Analytics": "-10" });
  const lines = randomMonth(31, 3_000);
  const rating = createRating(p);
  lines.forEach(rating.add);
  const result = rating.result();
  assert.equal(result.length, 4);
  for (const customer of result) {
    const mine = lines.filter((l) => l.customerId === customer.customerId).map((l) => rateLine(l, p));
    const exact = (pick: (r: ReturnType<typeof rateLine>) => Decimal) =>
      mine.reduce((t, r) => add(t, pick(r)), ZERO);
    assert.equal(customer.rows, mine.length);
    assert.equal(text(customer.listPrice), text(normalize(exact((r) => r.listPriceBilled))));
    assert.equal(text(customer.partnerCost), text(normalize(exact((r) => r.partnerCostBilled))));
    const price = exact((r) => r.customerPrice);
    assert.equal(text(customer.customerPrice), text(normalize(price)));
    const [line] = customer.invoiceLines;
    assert.equal(line?.label, "Integrated Azure Services Usage");
    assert.equal(text(line?.amount ?? ZERO), text(roundToMinorUnit(price, customer.billingCurrency)));
  }
  const byCurrency = Object.fromEntries(
    result.map((c) => [c.billingCurrency, text(c.invoiceLines[0]?.amount ?? ZERO)]),
  );
  assert.match(byCurrency.JPY ?? "", /^-?\d+$/, "yen have no decimals");
  assert.match(byCurrency.KWD ?? "", /^-?\d+\.\d{3}$/, "dinars have three");
  assert.match(byCurrency.EUR ?? "", /^-?\d+\.\d{2}$/);
});

void test("the order rows arrive in, and how they are split between ratings, change nothing", () => {
  const p = plan("10");
  const lines = randomMonth(57, 2_000);
  const whole = createRating(p);
  lines.forEach(whole.add);
  const reversed = createRating(p);
  [...lines].reverse().forEach(reversed.add);
  const [a, b, c] = [createRating(p), createRating(p), createRating(p)];
  lines.forEach((l, i) => [a, b, c][i % 3]?.add(l));
  a.merge(b.state());
  a.merge(structuredClone(c.state()));
  const expected = totalsOf(whole.result());
  assert.deepEqual(totalsOf(reversed.result()), expected);
  assert.deepEqual(totalsOf(a.result()), expected);
});

void test("an invoice can split IaaS from SaaS, each line rounded once, with its own labels", () => {
  const lines = [
    usage({ unitPrice: decimal("0.333"), quantity: decimal("1") }),
    usage({ meterCategory: "Storage", unitPrice: decimal("0.333"), quantity: decimal("1") }),
    usage({ meterCategory: "SQL Database", unitPrice: decimal("0.335"), quantity: decimal("1") }),
  ];
  const split = createRating(plan("0"), { split: true });
  lines.forEach(split.add);
  const [customer] = split.result();
  assert.deepEqual(
    customer?.invoiceLines.map((l) => [l.label, l.serviceClass, text(l.unrounded), text(l.amount)]),
    [
      ["Integrated Microsoft Azure Services IaaS", "iaas", "0.666", "0.67"],
      ["Integrated Microsoft Azure Services SaaS", "saas", "0.335", "0.34"],
    ],
  );
  const labelled = createRating(plan("0"), { labels: { usage: "Azure usage, May 2024" } });
  lines.forEach(labelled.add);
  assert.deepEqual(
    labelled.result()[0]?.invoiceLines.map((l) => [l.label, text(l.amount)]),
    [["Azure usage, May 2024", "1.00"]],
  );
});

void test("a yen customer's invoice is in whole yen and a correction row lowers it", () => {
  const rating = createRating(plan("10"));
  const yen = {
    customerId: FABRIKAM,
    customerName: "Tailspin KK",
    billingCurrency: "JPY",
    pcToBCExchangeRate: decimal("151.2345"),
  };
  rating.add(usage({ ...yen, unitPrice: decimal("0.096"), quantity: decimal("24") }));
  rating.add(usage({ ...yen, unitPrice: decimal("0.096"), quantity: decimal("-2.5") }));
  const [customer] = rating.result();
  assert.equal(text(customer?.listPrice ?? ZERO), "312.148008");
  assert.equal(text(customer?.customerPrice ?? ZERO), "343.3628088");
  assert.equal(text(customer?.invoiceLines[0]?.amount ?? ZERO), "343");
  assert.equal(customer?.billingCurrency, "JPY");
});

void test("rows of one customer under two exchange rates keep both rates on record", () => {
  const rating = createRating(plan("0"));
  rating.add(
    usage({
      billingCurrency: "GBP",
      pcToBCExchangeRate: decimal("0.79"),
      pcToBCExchangeRateDate: "2024-04-30",
    }),
  );
  rating.add(
    usage({
      billingCurrency: "GBP",
      pcToBCExchangeRate: decimal("0.7900"),
      pcToBCExchangeRateDate: "2024-04-30",
    }),
  );
  rating.add(
    usage({
      billingCurrency: "GBP",
      pcToBCExchangeRate: decimal("0.80"),
      pcToBCExchangeRateDate: "2024-05-31",
    }),
  );
  const [customer] = rating.result();
  assert.deepEqual(
    customer?.exchangeRates.map((r) => `${r.from}→${r.to} ${text(r.rate)} ${r.date} ${r.source}`),
    ["USD→GBP 0.79 2024-04-30 microsoft", "USD→GBP 0.80 2024-05-31 microsoft"],
  );
  assert.equal(customer?.rows, 3);
  assert.equal(text(customer?.listPrice ?? ZERO), "5.48352");
});
