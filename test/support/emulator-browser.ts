import https from "node:https";
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import type { RunningEmulator } from "../../src/emulator/index.ts";

export type PageResponse = { status: number; headers: IncomingHttpHeaders; text: string; location?: string };

const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/**
 * A browser reduced to what the emulator's pages need: HTTPS trusting the emulator's CA, a cookie jar for the
 * emulator's host, redirects followed on request, and forms read from the HTML (hidden fields included).
 */
export function emulatorBrowser(emu: RunningEmulator) {
  const ca = readFileSync(emu.caPath, "utf8");
  const jar = new Map<string, string>();

  function remember(headers: IncomingHttpHeaders) {
    for (const line of headers["set-cookie"] ?? []) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  function request(method: string, url: string, form?: Record<string, string>): Promise<PageResponse> {
    const target = new URL(url, emu.baseUrl);
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    return new Promise((resolve, reject) => {
      const req = https.request(
        target,
        {
          method,
          ca,
          headers: {
            ...(cookie ? { cookie } : {}),
            ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => {
            remember(res.headers);
            // Whitespace in HTML is not significant: runs of it are read as one space, as a browser shows them.
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: text.replace(/\s+/g, " "),
              location: res.headers.location,
            });
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  return {
    cookies: jar,
    get: (url: string) => request("GET", url),
    post: (url: string, form: Record<string, string>) => request("POST", url, form),

    /** Follows redirects on the emulator's own host; stops at the first answer that is not one, or leaves it. */
    async follow(first: PageResponse): Promise<PageResponse> {
      let res = first;
      for (let hops = 0; hops < 10 && res.location; hops++) {
        const next = new URL(res.location, emu.baseUrl);
        if (next.origin !== emu.baseUrl) return res;
        res = await request("GET", next.toString());
      }
      return res;
    },

    /** The form whose submit button carries this label: its action and every named field's value. */
    form(page: PageResponse, buttonLabel?: string): { action: string; fields: Record<string, string> } {
      const forms = [...page.text.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
      const match = forms.find((f) => !buttonLabel || (f[2] ?? "").includes(`>${buttonLabel}<`));
      if (!match)
        throw new Error(
          `No form${buttonLabel ? ` with a "${buttonLabel}" button` : ""} on the page:\n${page.text}`,
        );
      const fields: Record<string, string> = {};
      for (const input of (match[2] ?? "").matchAll(/<input([^>]*)>/g)) {
        const attrs = input[1] ?? "";
        const name = /name="([^"]*)"/.exec(attrs)?.[1];
        if (name) fields[name] = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? "");
      }
      return { action: decode(match[1] ?? ""), fields };
    },
  };
}

export type EmulatorBrowser = ReturnType<typeof emulatorBrowser>;
