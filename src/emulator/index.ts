export { startEmulator } from "./server.ts";
export type { EmulatorOptions, RunningEmulator, DemoSeed } from "./server.ts";
