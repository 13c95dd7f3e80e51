import { z } from "zod";

/** Every list takes `limit` and an opaque `cursor`, and answers `{ items, nextCursor }`. */
export const PageQuery = z.object({
  limit: z.coerce
    .number({ error: "limit must be a whole number from 1 to 200" })
    .int("limit must be a whole number from 1 to 200")
    .min(1, "limit must be at least 1")
    .max(200, "limit must be at most 200")
    .default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, "cursor must be the nextCursor value of a previous page")
    .optional(),
});

export type Page = { limit: number; after?: string };

export type PageOf<T> = { items: T[]; nextCursor: string | null };

export const encodeCursor = (value: string): string => Buffer.from(value, "utf8").toString("base64url");

export function decodeCursor(cursor: string | undefined): string | undefined {
  return cursor === undefined ? undefined : Buffer.from(cursor, "base64url").toString("utf8");
}

export function toPage(q: z.infer<typeof PageQuery>): Page {
  const after = decodeCursor(q.cursor);
  return after === undefined ? { limit: q.limit } : { limit: q.limit, after };
}

/** Cuts a result fetched with limit + 1 rows into a page, taking the cursor from the last row's key. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => string): PageOf<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
