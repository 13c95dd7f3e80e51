import { main } from "./cli.ts";

await main(["server", ...process.argv.slice(2)]);
