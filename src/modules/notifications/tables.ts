import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * Mail waiting to be sent. Rows are written in the same transaction as the change that causes them (an invitation),
 * so a crash never loses a mail nor sends one for a change that rolled back; the worker delivers them.
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    to: jsonb("to").$type<string[]>().notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    createdAt: ts("created_at").notNull(),
    nextAttemptAt: ts("next_attempt_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    sentAt: ts("sent_at"),
    lastError: text("last_error"),
  },
  (t) => [index("mail_outbox_due_idx").on(t.sentAt, t.nextAttemptAt)],
);
