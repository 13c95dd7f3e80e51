import type { OutgoingMail } from "../../../integrations/mail/index.ts";

/** The partner's request to a tenant's administrator, with the link Microsoft gave and what accepting means. */
export function invitationMail(p: { to: string; domain: string; link: string; days: number }): OutgoingMail {
  const text = [
    "Hello,",
    "",
    `Your organization asked to bring its Microsoft Azure directory ${p.domain} under your cloud partner's care,`,
    "for consolidated billing and platform support.",
    "",
    "As a Global Administrator of that directory, open this link, sign in with your Microsoft account and accept",
    "the partner's reseller relationship:",
    "",
    p.link,
    "",
    "Microsoft will show you the partner's name and the terms before you accept. Accepting lets the partner bill",
    "your Azure usage and support your subscriptions; you keep ownership of your directory. If your directory has",
    "another reseller partner, Microsoft will tell you; you may need to end that relationship first.",
    "",
    `The invitation stays open for ${p.days} days. If you did not expect it, ignore this message.`,
  ].join("\n");
  return {
    to: [p.to],
    subject: `Action needed: accept your cloud partner's invitation for ${p.domain}`,
    text,
  };
}
