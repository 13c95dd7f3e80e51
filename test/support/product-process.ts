import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export type Product = {
  child: ChildProcess;
  port: number;
  url: string;
  output: () => string;
  /** Resolves with the exit code once the process has ended (at once if it already has). */
  exited: () => Promise<number | null>;
  stop(): Promise<void>;
};

/** Starts `pcloud <args>` as a real process and waits for /readyz, or for the process to exit. */
export async function startProduct(args: string[], env: Record<string, string>): Promise<Product> {
  const port = Number(env["PORT"] ?? (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["bin/pcloud.js", ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      PUBLIC_URL: url,
      EMULATOR_PORT: "0",
      ...env,
      PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    port,
    url,
    output: () => out,
    exited: () => exited,
    /** SIGTERM, and SIGKILL if the process has not ended 10 s later. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const ended = await Promise.race([
        exited.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 10_000)),
      ]);
      if (!ended) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
