// An action's two pages: the confirmation (a form that says what will happen) and the outcome (what the order is now).
import { html } from 'hono/html';
import type { OrderView } from '../orders/order-views.js';
import type { ConsoleAction } from './actions.js';
import type { Html } from './layout.js';
import { orderHref, statusBadge } from './orders-page.js';

/** The confirmation: nothing happens until the operator presses the button (a POST, same origin only). */
export function confirmPage(orderId: string, action: ConsoleAction, order: OrderView | undefined): Html {
  return html`<p>
      Order <a href="${orderHref(orderId)}"><code>${orderId}</code></a
      >${order === undefined ? '' : html`, now ${statusBadge(order.status)}`}.
    </p>
    <p>${action.question}</p>
    <form method="post" action="${orderHref(orderId)}/${action.name}">
      ${
        action.reason
          ? html`<p>
              <label
                >Reason (optional, kept in the order’s history)<textarea
                  name="reason"
                  rows="3"
                  maxlength="500"
                ></textarea>
              </label>
            </p>`
          : ''
      }
      <div class="actions">
        <button type="submit">Confirm: ${action.label}</button><a href="${orderHref(orderId)}">Back, do nothing</a>
      </div>
    </form>`;
}

/** What the action led to, in words: the notice on top of the order's page. */
export function outcomeNotice(action: ConsoleAction, status: 200 | 202, order: OrderView): Html {
  if (status === 202) {
    return html`<p class="notice" role="status">
      ${action.done}: accepted, still running (it is ${order.status} for now); this page shows it as it goes on.
    </p>`;
  }
  return html`<p class="notice ok" role="status">${action.done}: the order is now ${order.status}.</p>`;
}

/** On the confirmation page of an action the order's status does not offer: the workflow will most likely refuse it. */
export function notOfferedNotice(action: ConsoleAction, order: OrderView): Html {
  return html`<p class="notice" role="status">
    ${action.label} is not offered for a ${order.status} order: the workflow will most likely refuse it.
  </p>`;
}

/** A refusal (the order moved on, a validator said no), in the validator's words, with the way back. */
export function refusedNotice(action: ConsoleAction, message: string): Html {
  return html`<p class="notice error" role="status">${action.label} was refused: ${message}</p>`;
}
