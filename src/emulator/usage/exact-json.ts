import { format, type Fixed } from "./fixed-decimal.ts";

const isFixed = (v: unknown): v is Fixed =>
  typeof v === "object" && v !== null && typeof (v as { units?: unknown }).units === "bigint";

/**
 * JSON text in which exact decimals are written as JSON numbers with all their digits (`0.490235765325545000`), as
 * Microsoft's billing APIs send amounts; JSON.stringify would have to go through a float and lose them.
 */
export function exactJson(value: unknown): string {
  if (isFixed(value)) return format(value);
  if (Array.isArray(value)) return `[${value.map(exactJson).join(",")}]`;
  if (typeof value === "object" && value !== null)
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${exactJson(v)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}
