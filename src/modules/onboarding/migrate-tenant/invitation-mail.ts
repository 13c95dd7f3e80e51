import type { OutgoingMail } from "../../../integrations/mail/index.ts";

export type InvitationMailKind = "invitation" | "reminder" | "again";

const SUBJECT: Record<InvitationMailKind, (domain: string) => string> = {
  invitation: (d) => `Action needed: accept your cloud partner's invitation for ${d}`,
  reminder: (d) => `Reminder: your cloud partner's invitation for ${d} is waiting`,
  again: (d) => `Action needed (sent again): accept your cloud partner's invitation for ${d}`,
};

/**
 * The partner's request to a tenant's administrator: the links Microsoft gave (the reseller relationship and, when
 * the partner uses GDAP, the delegated administration request), what each asks for, until when, and how to say no.
 */
export function invitationMail(p: {
  kind: InvitationMailKind;
  to: string;
  domain: string;
  resellerLink: string;
  gdap: { approvalUrl: string; roleNames: readonly string[]; days: number } | null;
  declineUrl: string;
  expiresAt: Date;
}): OutgoingMail {
  const until = p.expiresAt.toUTCString();
  const gdap = p.gdap
    ? [
        "2. Approve the partner's request for delegated administration (GDAP). It asks for these Microsoft Entra",
        `   roles for ${p.gdap.days} days, so the partner's support staff can help you: ${p.gdap.roleNames.join(", ")}.`,
        "",
        `   ${p.gdap.approvalUrl}`,
        "",
      ]
    : [];
  const text = [
    "Hello,",
    "",
    `Your organization asked to bring its Microsoft Azure directory ${p.domain} under your cloud partner's care,`,
    "for consolidated billing and platform support. A Global Administrator of that directory needs to:",
    "",
    "1. Accept the partner's reseller relationship. Open this link, sign in with your work account of",
    `   ${p.domain}, read the partner's name and the terms, and accept:`,
    "",
    `   ${p.resellerLink}`,
    "",
    ...gdap,
    "Accepting lets the partner bill your Azure usage and support your subscriptions; you keep ownership of your",
    "directory and of everything in it. If your directory already has another reseller partner, Microsoft will say so;",
    "subscriptions billed through that partner stay there until they are moved.",
    "",
    `The invitation is open until ${until}.`,
    "",
    "If you do not want this, tell your organization why (optional) and decline here:",
    "",
    `   ${p.declineUrl}`,
  ].join("\n");
  return { to: [p.to], subject: SUBJECT[p.kind](p.domain), text };
}
