import { main } from "./cli.ts";

await main(["start", ...process.argv.slice(2)]);
