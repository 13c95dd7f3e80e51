// Checks that imports point one way: main → api → modules → (platform, integrations); web never imports server
// code; nothing imports main; a module reaches another only through its index.ts; the emulator shares nothing
// with the adapters. Prints each violation and exits non-zero if there is one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const layerOf = (file: string): string => {
  const [top, layer, name] = file.split("/");
  if (top === "web") return "web";
  if (top !== "src") return top ?? "";
  return layer === "modules" || layer === "integrations" ? `${layer}/${name}` : (layer ?? "");
};

const allowed: Record<string, (target: string) => boolean> = {
  main: () => true,
  api: (t) => t !== "main",
  platform: (t) => t === "platform",
  emulator: (t) => t === "emulator" || t === "platform",
};

const files = ["src", "web/src"]
  .filter((root) => existsSync(root))
  .flatMap((root) =>
    readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((f) => /\.(ts|tsx)$/.test(f))
      .map((f) => path.join(root, f)),
  );
const violations: string[] = [];
for (const file of files) {
  const from = layerOf(file);
  for (const m of readFileSync(file, "utf8").matchAll(/(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']/g)) {
    const spec = m[1] ?? "";
    const target = path.normalize(path.join(path.dirname(file), spec));
    const to = layerOf(target);
    if (from === "web" && !target.startsWith("web"))
      violations.push(`${file}: the console imports server code ${spec}`);
    else if (to === "main" && from !== "main") violations.push(`${file}: nothing imports main (${spec})`);
    else if (from.startsWith("modules/") || from.startsWith("integrations/")) {
      if (to === "api") violations.push(`${file}: ${from} imports the HTTP layer (${spec})`);
      else if (to === "emulator") violations.push(`${file}: ${from} imports the emulator (${spec})`);
      else if (
        to !== from &&
        (to.startsWith("modules/") || to.startsWith("integrations/")) &&
        !target.endsWith("index.ts")
      )
        violations.push(`${file}: reaches into ${to} past its index.ts (${spec})`);
    } else if (allowed[from] && !allowed[from](to))
      violations.push(`${file}: ${from} may not import ${to} (${spec})`);
  }
}
for (const v of violations) console.error(v);
if (violations.length) {
  console.error(`${violations.length} dependency-direction violation(s).`);
  process.exit(1);
}
