import type { FastifyReply } from "fastify";

/** Markup that is already safe to send: built only by `html`, so every interpolated value was escaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** What a page may interpolate: text and numbers (escaped), markup built by `html`, lists of those, or nothing. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | HtmlValue[];

const render = (value: HtmlValue): string => {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === undefined || value === null || value === false) return "";
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
};

/** A tagged template for the emulator's pages: values are escaped unless they are `SafeHtml` themselves. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  return new SafeHtml(
    strings.reduce((out, s, i) => out + s + (i < values.length ? render(values[i]) : ""), ""),
  );
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f3f2f1;color:#1b1a19;line-height:1.5}
main{max-width:34rem;margin:3rem auto;background:#fff;padding:2rem 2.5rem;border-radius:4px;box-shadow:0 2px 6px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8a8886}
input:focus,button:focus{outline:2px solid #0f6cbd;outline-offset:2px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{padding:.5rem 1.25rem;font-size:1rem;border:1px solid #8a8886;background:#fff;cursor:pointer}
button.primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff}
.error{color:#a4262c;border-left:4px solid #a4262c;padding-left:.75rem}
.notice{border-left:4px solid #0f6cbd;padding-left:.75rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
`;

/** A whole page: one language, a title, a main landmark and plain CSS, no script. */
export function htmlPage(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.text;
}

/** Sends a page with headers that keep it out of frames and caches (it may show one-time tokens). */
export function sendPage(reply: FastifyReply, status: number, title: string, body: SafeHtml) {
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("x-frame-options", "DENY")
    .header(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    )
    .send(htmlPage(title, body));
}
