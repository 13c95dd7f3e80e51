/** Our port to outgoing mail: the one call we make. */
export type OutgoingMail = {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string | null;
};

export type Mailer = {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
};
