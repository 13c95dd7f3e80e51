import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  startEmulator,
  type DemoSeed,
  type EmulatorOptions,
  type RunningEmulator,
} from "../../src/emulator/index.ts";

/** A fresh emulator on a free port in its own temporary folder, with the demo partner seeded; `close` removes the folder. */
export async function startSeededEmulator(
  name: string,
  options: Omit<Partial<EmulatorOptions>, "dataDir" | "port" | "host"> = {},
): Promise<{ emu: RunningEmulator; seed: DemoSeed }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `pc-${name}-`));
  const emu = await startEmulator({ ...options, dataDir, port: 0, host: "127.0.0.1" });
  const seed = emu.seedDemo();
  assert.ok(seed, "a new emulator seeds the demo partner");
  const close = async () => {
    await emu.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return { emu: { ...emu, close }, seed };
}
