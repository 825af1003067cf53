// The console's page shell: one stylesheet inline, a skip link, the navigation, no script, readable from phone width up.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** What every console template returns: Hono's escaped HTML (interpolated strings are escaped, nested templates not). */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const style = `
*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
a{color:#0b5cad}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f0a400;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.25rem .5rem;z-index:1}
header{background:#1b2a3a;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
header a{color:#fff}header nav{display:flex;gap:1rem;flex-wrap:wrap}header .who{margin-left:auto;font-size:.9rem}
main{max-width:76rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d8dee4;vertical-align:top}th{background:#eef1f4;font-weight:600}
.status{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.85rem;font-weight:600;background:#e1e4e8}
.s-COMPLETED{background:#d4f4dd;color:#0a5c25}.s-FAILED,.s-COMPENSATION_FAILED{background:#fde0e0;color:#8a0b1e}
.s-CANCELLED{background:#eee;color:#444}.s-AWAITING_APPROVAL{background:#fff1c2;color:#6b4e00}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:end;margin-bottom:1rem}
label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem}
input,select,textarea,button{font:inherit;padding:.35rem .5rem}button{cursor:pointer;border:1px solid #1b2a3a;background:#1b2a3a;color:#fff;border-radius:.3rem}
button.secondary{background:#fff;color:#1b2a3a}.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.actions a{display:inline-block;padding:.35rem .75rem;border:1px solid #0b5cad;border-radius:.3rem;text-decoration:none}
.notice{padding:.75rem 1rem;border-radius:.3rem;margin:1rem 0;background:#e8f1fb}.ok{background:#d4f4dd}.error{background:#fde0e0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}
code,pre{font:13px/1.4 ui-monospace,monospace}pre{white-space:pre-wrap;word-break:break-all;margin:0}
@media (max-width:40rem){main{padding:.5rem}th,td{padding:.3rem}header .who{margin-left:0}}
`;

/** The navigation's entries: the console's pages an operator moves between. */
const nav = [
  ['/console/orders', 'Orders'],
  ['/console/queues', 'Queues'],
] as const;

/**
 * Every page has a `<main>` with one `<h1>`, a link to skip the navigation, and a `role="status"` notice when it
 * says what an action did; `operator` is who is signed in (absent on the signed-out page).
 */
export function layout(options: { title: string; body: Html; operator?: string | undefined; notice?: Html }): Html {
  const who =
    options.operator === undefined
      ? html`<a href="/signin">Sign in</a>`
      : html`Signed in as <strong>${options.operator}</strong> · <a href="/signin">Sign-in page</a>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · order-saga console</title>
        <style>
          ${style}
        </style>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <strong>order-saga console</strong>
          <nav aria-label="Console">${nav.map(([href, label]) => html`<a href="${href}">${label}</a>`)}</nav>
          <span class="who">${who}</span>
        </header>
        <main id="main">
          <h1>${options.title}</h1>
          ${options.notice ?? ''}${options.body}
        </main>
      </body>
    </html>`;
}
