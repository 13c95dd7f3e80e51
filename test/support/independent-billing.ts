import { readFileSync } from "node:fs";
import { NATURAL_KEY } from "../../src/emulator/usage-generator/index.ts";

/**
 * A second, independent computation of invoice lines from daily rated usage files, for golden tests. It has its
 * own RFC 4180 reader, its own exact decimals (BigInt units at a scale) and the documented rules: rows settled by
 * the generator's natural key, the last one in file order winning; customer price = UnitPrice × Quantity × rate ×
 * (1 + markup / 100), the category's markup when the plan names it (names compared without case or extra spaces);
 * one rounding per line, half away from zero, to the currency's minor unit. It shares no code with the billing
 * engine, the usage store or rating, so a bug there cannot hide behind the same bug here.
 */
export type Exact = { readonly units: bigint; readonly scale: number };

const PLAIN = /^-?\d+(\.\d+)?$/;

export function exact(text: string): Exact {
  if (!PLAIN.test(text)) throw new Error(`not a plain decimal: ${JSON.stringify(text)}`);
  const negative = text.startsWith("-");
  const [whole = "0", fraction = ""] = text.replace(/^-/, "").split(".");
  const units = BigInt(`${whole}${fraction}`);
  return { units: negative ? -units : units, scale: fraction.length };
}

const at = (e: Exact, scale: number): bigint => e.units * 10n ** BigInt(scale - e.scale);

export function plus(a: Exact, b: Exact): Exact {
  const scale = Math.max(a.scale, b.scale);
  return { units: at(a, scale) + at(b, scale), scale };
}

export const minus = (a: Exact, b: Exact): Exact => plus(a, { units: -b.units, scale: b.scale });

export const times = (a: Exact, b: Exact): Exact => ({ units: a.units * b.units, scale: a.scale + b.scale });

export const ZERO: Exact = { units: 0n, scale: 0 };

/** The same number, whatever trailing zeros either carries. */
export function sameNumber(a: Exact, b: Exact): boolean {
  const scale = Math.max(a.scale, b.scale);
  return at(a, scale) === at(b, scale);
}

/** Decimal text with exactly `decimals` decimals, rounded half away from zero. */
export function rounded(value: Exact, decimals: number): string {
  let magnitude = value.units < 0n ? -value.units : value.units;
  if (value.scale > decimals) {
    const divisor = 10n ** BigInt(value.scale - decimals);
    magnitude = (magnitude + divisor / 2n) / divisor;
  } else magnitude *= 10n ** BigInt(decimals - value.scale);
  const digits = magnitude.toString().padStart(decimals + 1, "0");
  const cut = digits.length - decimals;
  const text = decimals > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
  return value.units < 0n && magnitude !== 0n ? `-${text}` : text;
}

/** The exact value as text, trailing zeros dropped. */
export function exactText(value: Exact): string {
  const text = rounded(value, value.scale);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** The minor units of the currencies these tests bill in (ISO 4217). */
const MINOR_UNITS: Readonly<Record<string, number>> = { USD: 2, GBP: 2, EUR: 2, JPY: 0 };

export function minorUnitsOf(currency: string): number {
  const units = MINOR_UNITS[currency];
  if (units === undefined) throw new Error(`no minor unit known for ${currency}`);
  return units;
}

/** One record of a usage file: its fields by header name, and its text as written (without the line end). */
export type UsageRecord = { readonly fields: Readonly<Record<string, string>>; readonly text: string };

export type UsageCsv = {
  readonly headerLine: string;
  readonly header: readonly string[];
  records: UsageRecord[];
};

/** A usage file as the generator writes it: RFC 4180, CRLF line ends, quoted fields with doubled quotes. */
export function readUsageCsv(file: string): UsageCsv {
  const text = readFileSync(file, "utf8");
  const rows: { fields: string[]; text: string }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      fields.push(field);
      rows.push({ fields, text: text.slice(start, i) });
      fields = [];
      field = "";
      i++;
      start = i + 1;
    } else field += c;
  }
  if (field !== "" || fields.length > 0) throw new Error(`${file} does not end with CRLF`);
  const [head, ...body] = rows;
  if (!head) throw new Error(`${file} is empty`);
  return {
    headerLine: head.text,
    header: head.fields,
    records: body.map((r) => {
      if (r.fields.length !== head.fields.length) throw new Error(`a record of ${r.fields.length} fields`);
      return { fields: Object.fromEntries(head.fields.map((h, i) => [h, r.fields[i] ?? ""])), text: r.text };
    }),
  };
}

const quotedIfNeeded = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** A record written back as a line of the file (CRLF ended), its fields in header order. */
export function csvLine(header: readonly string[], fields: Readonly<Record<string, string>>): string {
  return `${header.map((h) => quotedIfNeeded(fields[h] ?? "")).join(",")}\r\n`;
}

export const field = (r: UsageRecord, name: string): string => {
  const value = r.fields[name];
  if (value === undefined) throw new Error(`no column ${name}`);
  return value;
};

export const keyOf = (r: UsageRecord): string => NATURAL_KEY.map((k) => field(r, k)).join("\u0000");

/** The rows that count: per natural key, the last one in file order (a duplicate once, a restatement instead). */
export function settled(records: readonly UsageRecord[]): UsageRecord[] {
  const byKey = new Map<string, UsageRecord>();
  for (const r of records) byKey.set(keyOf(r), r);
  return [...byKey.values()];
}

export type Plan = {
  readonly markupPercent: string;
  readonly categoryMarkups?: Readonly<Record<string, string>>;
};
export const NO_PLAN: Plan = { markupPercent: "0" };

const categoryName = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

/** `1 + percent / 100` of the row's meter category. */
function factorOf(plan: Plan, meterCategory: string): Exact {
  const own = Object.entries(plan.categoryMarkups ?? {}).find(
    ([name]) => categoryName(name) === categoryName(meterCategory),
  );
  const percent = exact(own ? own[1] : plan.markupPercent);
  return { units: 10n ** BigInt(percent.scale + 2) + percent.units, scale: percent.scale + 2 };
}

/** The rate into the account's currency: Microsoft's when it billed the row in that currency, 1 when priced in it. */
function rateOf(r: UsageRecord, currency: string): Exact {
  if (field(r, "BillingCurrency") === currency) return exact(field(r, "PCToBCExchangeRate"));
  if (field(r, "PricingCurrency") === currency) return exact("1");
  throw new Error(`a ${field(r, "BillingCurrency")} row cannot be billed in ${currency} without a rate`);
}

export type LineFigures = { customerPrice: Exact; listPrice: Exact; partnerCost: Exact; rows: number };

/** The exact sums of settled rows billed in `currency` under `plan`. */
export function figuresOf(rows: readonly UsageRecord[], currency: string, plan: Plan): LineFigures {
  let customerPrice = ZERO;
  let listPrice = ZERO;
  let partnerCost = ZERO;
  for (const r of rows) {
    const quantity = exact(field(r, "Quantity"));
    const rate = rateOf(r, currency);
    const list = times(times(exact(field(r, "UnitPrice")), quantity), rate);
    listPrice = plus(listPrice, list);
    partnerCost = plus(partnerCost, times(times(exact(field(r, "EffectiveUnitPrice")), quantity), rate));
    customerPrice = plus(customerPrice, times(list, factorOf(plan, field(r, "MeterCategory"))));
  }
  return { customerPrice, listPrice, partnerCost, rows: rows.length };
}
