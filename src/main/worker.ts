import { main } from "./cli.ts";

await main(["worker", ...process.argv.slice(2)]);
