import type { LineDay, LineRow } from "../../api/billing-api.ts";
import type { Page } from "../../api/types.ts";

const MAX_PAGES = 50;

const sameDay = (row: LineRow, day: LineDay) =>
  row.customerId === day.customerId && row.usageDate === day.usageDate;

/**
 * The usage rows of one customer-day of a line. The API pages a line's rows by the usage version they belong to,
 * one version per customer-day, so a day's rows come together: reading stops at the first row after them.
 */
export async function rowsOfDay(
  load: (cursor: string | undefined) => Promise<Page<LineRow>>,
  day: LineDay,
): Promise<LineRow[]> {
  const found: LineRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await load(cursor);
    for (const row of page.items) {
      if (sameDay(row, day)) found.push(row);
      else if (found.length > 0) return found;
    }
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return found;
}
