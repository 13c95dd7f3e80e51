import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Db, Executor } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import type { Mailer, OutgoingMail } from "../../integrations/mail/index.ts";
import { mailOutbox } from "./tables.ts";

const MAX_ATTEMPTS = 10;
const SENT_BODY = "(delivered; the body is not kept)";

export function createNotifications(deps: { db: Db; clock: Clock }) {
  return {
    /** Queues a mail in the caller's transaction; it is sent only if that transaction commits. */
    async enqueueMail(tx: Executor, mail: OutgoingMail): Promise<string> {
      const at = deps.clock.now();
      const id = newId("mail", at);
      await tx.insert(mailOutbox).values({
        id,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html ?? null,
        createdAt: at,
        nextAttemptAt: at,
      });
      return id;
    },

    /**
     * Sends due mail, one row at a time under a row lock (SKIP LOCKED), so several workers never send the same
     * message. A failed send is retried with exponential backoff, up to 10 attempts. Returns how many were sent.
     */
    async deliverDue(mailer: Mailer, max = 50): Promise<number> {
      let sent = 0;
      for (let i = 0; i < max; i++) {
        const outcome = await deps.db.transaction(async (tx) => {
          const now = deps.clock.now();
          const [row] = await tx
            .select()
            .from(mailOutbox)
            .where(
              and(
                isNull(mailOutbox.sentAt),
                lte(mailOutbox.nextAttemptAt, now),
                sql`${mailOutbox.attempts} < ${MAX_ATTEMPTS}`,
              ),
            )
            .orderBy(asc(mailOutbox.nextAttemptAt))
            .limit(1)
            .for("update", { skipLocked: true });
          if (!row) return "idle" as const;
          try {
            await mailer.send({ to: row.to, subject: row.subject, text: row.text, html: row.html });
            // The body may carry a one-time link (an invitation token): once delivered, only the envelope is kept.
            await tx
              .update(mailOutbox)
              .set({ sentAt: now, attempts: row.attempts + 1, lastError: null, text: SENT_BODY, html: null })
              .where(eq(mailOutbox.id, row.id));
            return "sent" as const;
          } catch (e) {
            const delayMs = Math.min(3_600_000, 1000 * 2 ** row.attempts);
            await tx
              .update(mailOutbox)
              .set({
                attempts: row.attempts + 1,
                lastError: e instanceof Error ? e.message.slice(0, 500) : "send failed",
                nextAttemptAt: new Date(now.getTime() + delayMs),
              })
              .where(eq(mailOutbox.id, row.id));
            return "failed" as const;
          }
        });
        if (outcome === "idle") break;
        if (outcome === "sent") sent++;
      }
      return sent;
    },
  };
}

export type Notifications = ReturnType<typeof createNotifications>;
