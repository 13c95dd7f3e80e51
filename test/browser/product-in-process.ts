import type { DemoSeed, RunningEmulator } from "../../src/emulator/index.ts";
import {
  createSmtpMailer,
  readCapturedMail,
  startCapturedMailbox,
  type CapturedMail,
} from "../../src/integrations/mail/index.ts";
import { connectedHarness } from "../support/connected-harness.ts";
import { backends } from "../support/databases.ts";
import type { Harness } from "../support/harness.ts";
import { freePort } from "../support/product-process.ts";

export type InProcessProduct = {
  url: string;
  h: Harness;
  emu: RunningEmulator;
  seed: DemoSeed;
  /** One worker turn: every due run takes its next step, then queued mail goes to the captured mailbox. */
  turn(): Promise<void>;
  /** The captured mail to `to`, newest first. */
  mailTo(to: string): Promise<CapturedMail[]>;
  stop(): Promise<void>;
};

/**
 * The product's API and console served in this process on a free port, on embedded PGlite, connected to a seeded
 * emulator, with the platform's fake clock set to now. Nothing runs by itself: the test takes the workers' turns and
 * moves the clock, so a run that waits minutes for a person moves on when the test says so.
 */
export async function startInProcessProduct(name: string): Promise<InProcessProduct> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const pglite = backends().find((b) => b.name === "pglite");
  if (!pglite) throw new Error("PGlite is always among the test databases");
  const { h, emu, seed, close } = await connectedHarness(name, await pglite.open(), {
    PUBLIC_URL: url,
    // The test moves the clock by minutes at a time; people stay signed in meanwhile.
    SESSION_IDLE_MINUTES: "1440",
    SESSION_ABSOLUTE_HOURS: "720",
  });
  h.clock.set(new Date());
  await h.app.listen({ port, host: "127.0.0.1" });
  const mailbox = await startCapturedMailbox(h.mailboxDir);
  const mailer = createSmtpMailer({ url: mailbox.smtpUrl, from: h.config.mail.from });
  return {
    url,
    h,
    emu,
    seed,
    async turn() {
      await h.modules.onboarding.runDue();
      await h.modules.notifications.deliverDue(mailer);
    },
    async mailTo(to) {
      return (await readCapturedMail(h.mailboxDir, 200)).filter((m) => m.to.includes(to));
    },
    async stop() {
      await mailer.close();
      await mailbox.close();
      await close();
    },
  };
}
