import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import PostalMime from "postal-mime";
import { SMTPServer } from "smtp-server";
import { z } from "zod";
import type { Store } from "../state/store.ts";

const Message = z.object({
  id: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  receivedAt: z.string(),
});
export type CapturedMessage = z.infer<typeof Message>;

/** The newest messages kept; older ones are dropped so a long demo does not grow the store without end. */
const KEEP = 2000;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/**
 * The world's mail: an SMTP server on loopback that accepts any message (no relay, no authentication) and keeps
 * it in the emulator's store, a JSON listing for tests (`GET /_emulator/mail?to=`) and a page for people
 * (`GET /mailbox`), so an invitation sent to a customer's administrator can be read and its link followed.
 */
export async function startMailCapture(
  app: FastifyInstance,
  deps: { store: Store; host: string; port: number; now: () => number },
) {
  const messages = deps.store.collection("mail", Message);
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    logger: false,
    size: 5 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        PostalMime.parse(Buffer.concat(chunks)).then(
          (parsed) => {
            const envelopeFrom = session.envelope.mailFrom;
            messages.add({
              id: randomUUID(),
              from: parsed.from?.address ?? (envelopeFrom ? envelopeFrom.address : ""),
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: parsed.html ?? null,
              receivedAt: new Date(deps.now()).toISOString(),
            });
            const excess = messages.all().length - KEEP;
            if (excess > 0) {
              const oldest = new Set(
                messages
                  .all()
                  .slice(0, excess)
                  .map((m) => m.id),
              );
              messages.remove((m) => oldest.has(m.id));
            }
            callback();
          },
          (e: Error) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(deps.port, deps.host, resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : deps.port;

  const newestFirst = (to?: string) =>
    messages.filter((m) => !to || m.to.includes(to.toLowerCase())).reverse();

  app.get<{ Querystring: { to?: string } }>("/_emulator/mail", (req) =>
    Promise.resolve({ value: newestFirst(req.query.to) }),
  );
  app.get<{ Querystring: { to?: string } }>("/mailbox", async (req, reply) => {
    const rows = newestFirst(req.query.to)
      .slice(0, 200)
      .map(
        (m) =>
          `<article><h2>${escape(m.subject)}</h2>` +
          `<p class="meta">To ${escape(m.to.join(", "))} · from ${escape(m.from)} · ${escape(m.receivedAt)}</p>` +
          `<pre>${escape(m.text)}</pre></article>`,
      )
      .join("");
    return reply
      .type("text/html; charset=utf-8")
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailbox · Emulator</title>` +
          `<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}` +
          `article{border:1px solid #ccc;border-radius:6px;padding:0 1rem;margin:1rem 0}.meta{color:#555}` +
          `pre{white-space:pre-wrap;font:inherit}</style></head><body><h1>Mailbox</h1>` +
          `<p>Every message sent through the emulator's SMTP server, newest first.</p>` +
          `${rows || "<p>No mail yet.</p>"}</body></html>`,
      );
  });

  return {
    smtpUrl: `smtp://${deps.host === "0.0.0.0" ? "127.0.0.1" : deps.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
