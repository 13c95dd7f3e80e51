import { timestamp } from "drizzle-orm/pg-core";

/** A point in time: `timestamptz`, read as a JS Date. Every table uses this for its times. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
