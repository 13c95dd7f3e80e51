import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull, lte, sql } from "drizzle-orm";
import type { Executor } from "../../../platform/db/types.ts";
import { migrationInvitations } from "../tables.ts";

export type InvitationRow = typeof migrationInvitations.$inferSelect;

export const DAY_MS = 86_400_000;

/** A link token for the mail: 32 random bytes from the system's secure generator (a secret, unlike ctx.random). */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashOfToken(token) };
}

export const hashOfToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * When the next reminder of an invitation sent at `sentAt` goes, after `remindersSent` reminders, or null when
 * none is left before it expires.
 */
export function nextReminder(
  sentAt: Date,
  remindersSent: number,
  reminderDays: readonly number[],
  expiresAt: Date,
): Date | null {
  const days = reminderDays[remindersSent];
  if (days === undefined) return null;
  const at = new Date(sentAt.getTime() + days * DAY_MS);
  return at.getTime() < expiresAt.getTime() ? at : null;
}

/** The invitations of migrations: written in the transactions of the steps and requests that change them. */
export const invitationRecords = {
  async of(db: Executor, runId: string): Promise<InvitationRow | null> {
    const [row] = await db.select().from(migrationInvitations).where(eq(migrationInvitations.runId, runId));
    return row ?? null;
  },

  async byToken(db: Executor, token: string): Promise<InvitationRow | null> {
    const [row] = await db
      .select()
      .from(migrationInvitations)
      .where(eq(migrationInvitations.tokenHash, hashOfToken(token)));
    return row ?? null;
  },

  async create(
    tx: Executor,
    p: Omit<
      InvitationRow,
      | "sends"
      | "firstSentAt"
      | "lastSentAt"
      | "remindersSent"
      | "declinedAt"
      | "declineReason"
      | "acceptedAt"
      | "updatedAt"
    > & {
      at: Date;
    },
  ): Promise<void> {
    const { at, ...row } = p;
    await tx.insert(migrationInvitations).values({
      ...row,
      sends: 1,
      firstSentAt: at,
      lastSentAt: at,
      remindersSent: 0,
      updatedAt: at,
    });
  },

  /** Sent again: a new link, a new expiry, reminders from the start, and a decline forgotten. */
  async resent(
    tx: Executor,
    runId: string,
    p: { tokenHash: string; tokenSealed: string; at: Date; expiresAt: Date; nextReminderAt: Date | null },
  ): Promise<boolean> {
    const rows = await tx
      .update(migrationInvitations)
      .set({
        tokenHash: p.tokenHash,
        tokenSealed: p.tokenSealed,
        sends: sql`${migrationInvitations.sends} + 1`,
        lastSentAt: p.at,
        remindersSent: 0,
        nextReminderAt: p.nextReminderAt,
        expiresAt: p.expiresAt,
        declinedAt: null,
        declineReason: null,
        updatedAt: p.at,
      })
      .where(and(eq(migrationInvitations.runId, runId), isNull(migrationInvitations.acceptedAt)))
      .returning({ runId: migrationInvitations.runId });
    return rows.length === 1;
  },

  /** Declined through the mail's link; false when it was already declined, accepted, or has expired. */
  async declined(tx: Executor, runId: string, reason: string | null, at: Date): Promise<boolean> {
    const rows = await tx
      .update(migrationInvitations)
      .set({ declinedAt: at, declineReason: reason, nextReminderAt: null, updatedAt: at })
      .where(
        and(
          eq(migrationInvitations.runId, runId),
          isNull(migrationInvitations.declinedAt),
          isNull(migrationInvitations.acceptedAt),
          sql`${migrationInvitations.expiresAt} > ${at}`,
        ),
      )
      .returning({ runId: migrationInvitations.runId });
    return rows.length === 1;
  },

  /** What Microsoft Graph last said of the GDAP request (an observation: writing it twice changes nothing). */
  async gdapStatus(db: Executor, runId: string, status: string, at: Date): Promise<void> {
    await db
      .update(migrationInvitations)
      .set({ gdapStatus: status, updatedAt: at })
      .where(eq(migrationInvitations.runId, runId));
  },

  async accepted(tx: Executor, runId: string, at: Date): Promise<void> {
    await tx
      .update(migrationInvitations)
      .set({ acceptedAt: at, nextReminderAt: null, updatedAt: at })
      .where(and(eq(migrationInvitations.runId, runId), isNull(migrationInvitations.acceptedAt)));
  },

  /** Reminders due now, oldest first. */
  async due(db: Executor, now: Date, limit: number): Promise<InvitationRow[]> {
    return db
      .select()
      .from(migrationInvitations)
      .where(
        and(
          lte(migrationInvitations.nextReminderAt, now),
          isNull(migrationInvitations.acceptedAt),
          isNull(migrationInvitations.declinedAt),
          sql`${migrationInvitations.expiresAt} > ${now}`,
        ),
      )
      .orderBy(asc(migrationInvitations.nextReminderAt))
      .limit(limit);
  },

  /** Counts a reminder once: only the transaction that sees `remindersSent` unchanged moves it on. */
  async reminded(
    tx: Executor,
    row: InvitationRow,
    p: { at: Date; nextReminderAt: Date | null },
  ): Promise<boolean> {
    const rows = await tx
      .update(migrationInvitations)
      .set({ remindersSent: row.remindersSent + 1, nextReminderAt: p.nextReminderAt, updatedAt: p.at })
      .where(
        and(
          eq(migrationInvitations.runId, row.runId),
          eq(migrationInvitations.remindersSent, row.remindersSent),
          eq(migrationInvitations.lastSentAt, row.lastSentAt),
        ),
      )
      .returning({ runId: migrationInvitations.runId });
    return rows.length === 1;
  },
};
