export type { Mailer, OutgoingMail } from "./port.ts";
export { createSmtpMailer } from "./smtp-mailer.ts";
export { startCapturedMailbox, readCapturedMail, CapturedMail } from "./captured-mailbox.ts";
