import { defineConfig } from "vite";

const webRoot = new URL(".", import.meta.url).pathname;

export default defineConfig({
  root: webRoot,
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: { outDir: "../dist/web", emptyOutDir: true },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
