// The console's answer when something went wrong: words and a way on, never a blank page or a stack trace.
import { html } from 'hono/html';
import { layout } from './layout.js';
import type { Html } from './layout.js';

export interface PageError {
  status: number;
  code: string;
  message: string;
  requestId?: string | undefined;
}

const titles: Readonly<Record<number, string>> = {
  400: 'That request was not understood',
  401: 'Sign in to use the console',
  403: 'Operators only',
  404: 'Not found',
  409: 'Not possible now',
  429: 'Too many actions at once',
  503: 'Something the console needs is not answering',
};

/** 401 leads to the sign-in page; a customer's token (403) too, to sign in as an operator instead. */
export function errorPage(error: PageError): Html {
  const title = titles[error.status] ?? 'Something went wrong';
  const signIn =
    error.status === 401 || error.status === 403
      ? html`<p>
          The console is for operators. <a href="/signin">Sign in with an operator token</a> (<code
            >npm run -s token -- --operator alice</code
          >
          prints one locally), then come back to <a href="/console">the console</a>.
        </p>`
      : html`<p><a href="/console/orders">Back to the orders</a></p>`;
  return layout({
    title,
    body: html`<p class="notice error" role="alert">${error.message}</p>
      ${signIn}${
        error.requestId === undefined
          ? ''
          : html`<p>Request ID <code>${error.requestId}</code> (quote it when reporting this).</p>`
      }`,
  });
}
