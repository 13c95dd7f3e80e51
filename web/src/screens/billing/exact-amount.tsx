import { groupDigits, shortDecimal } from "./billing-format.ts";

/** An unrounded amount in a dense table: its first decimals, the whole exact figure on hover. */
export function ExactAmount({ value }: { value: string | undefined }) {
  if (value === undefined) return <>—</>;
  return <span title={groupDigits(value)}>{shortDecimal(value)}</span>;
}
