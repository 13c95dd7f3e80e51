import fs from "node:fs/promises";
import path from "node:path";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { z } from "zod";

export const CapturedMail = z.object({
  id: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  receivedAt: z.string(),
});
export type CapturedMail = z.infer<typeof CapturedMail>;

/**
 * The embedded mailbox of a local installation: a real SMTP server on loopback that keeps every message it
 * receives as a JSON file under `<dataDir>/mailbox`, so a person trying the product can read the mail it sends.
 */
export async function startCapturedMailbox(
  dir: string,
): Promise<{ smtpUrl: string; close(): Promise<void> }> {
  await fs.mkdir(dir, { recursive: true });
  let seq = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        void (async () => {
          const parsed = await PostalMime.parse(Buffer.concat(chunks));
          const at = new Date();
          const id = `${at.getTime().toString().padStart(15, "0")}-${process.pid}-${seq++}`;
          const mail: CapturedMail = {
            id,
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            receivedAt: at.toISOString(),
          };
          await fs.writeFile(path.join(dir, `${id}.json`), JSON.stringify(mail));
        })().then(
          () => callback(),
          (e: Error) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads the captured mail, newest first. */
export async function readCapturedMail(dir: string, limit: number): Promise<CapturedMail[]> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const newest = names
    .filter((n) => n.endsWith(".json"))
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(
    newest.map(async (n) => CapturedMail.parse(JSON.parse(await fs.readFile(path.join(dir, n), "utf8")))),
  );
}
