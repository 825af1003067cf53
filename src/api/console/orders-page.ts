// The Orders page: the order read model's list, filtered by status and customer, a page at a time.
import { html } from 'hono/html';
import { OrderStatuses } from '../../shared/order-status.js';
import type { OrderStatus } from '../../shared/order-status.js';
import type { OrderPage, OrderSummary } from '../ports/order-read-model.js';
import { instant, money, timeLeft } from './format.js';
import type { Html } from './layout.js';

export interface OrdersFilter {
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
  cursor?: string | undefined;
}

/** A status as a badge: the text says it, the colour only helps. */
export const statusBadge = (status: OrderStatus): Html => html`<span class="status s-${status}">${status}</span>`;

/** The link to an order's page. */
export const orderHref = (orderId: string) => `/console/orders/${encodeURIComponent(orderId)}`;

/** The list's URL for a filter (and a page of it). */
export function ordersHref(filter: OrdersFilter): string {
  const query = new URLSearchParams();
  if (filter.status !== undefined) query.set('status', filter.status);
  if (filter.customerId !== undefined) query.set('customerId', filter.customerId);
  if (filter.cursor !== undefined) query.set('cursor', filter.cursor);
  const text = query.toString();
  return text === '' ? '/console/orders' : `/console/orders?${text}`;
}

/** A table of orders, as the Orders page and the queues show them; `extra` adds the queue's own column. */
export function ordersTable(
  orders: readonly OrderSummary[],
  options: { caption: string; empty: string; extra?: { head: string; cell: (o: OrderSummary) => Html | string } },
): Html {
  if (orders.length === 0) return html`<p>${options.empty}</p>`;
  return html`<div class="scroll">
    <table>
      <caption class="skip">
        ${options.caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Status</th>
          <th scope="col">Customer</th>
          <th scope="col">Total</th>
          <th scope="col">Created</th>
          ${options.extra ? html`<th scope="col">${options.extra.head}</th>` : ''}
        </tr>
      </thead>
      <tbody>
        ${orders.map(
          (o) =>
            html`<tr data-order-id="${o.orderId}">
              <td>
                <a href="${orderHref(o.orderId)}"><code>${o.orderId}</code></a>
              </td>
              <td>${statusBadge(o.status)}</td>
              <td>${o.customerId ?? '—'}</td>
              <td>${money(o.total)}</td>
              <td>${instant(o.createdAt)}</td>
              ${options.extra ? html`<td>${options.extra.cell(o)}</td>` : ''}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function ordersPage(page: OrderPage, filter: OrdersFilter, now: number): Html {
  const next = page.nextCursor === undefined ? undefined : ordersHref({ ...filter, cursor: page.nextCursor });
  const first = filter.cursor === undefined ? undefined : ordersHref({ ...filter, cursor: undefined });
  return html`<form class="filters" method="get" action="/console/orders" role="search">
      <label
        >Status
        <select name="status">
          <option value="">any</option>
          ${OrderStatuses.map(
            (s) => html`<option value="${s}" ${filter.status === s ? html` selected` : ''}>${s}</option>`,
          )}
        </select></label
      >
      <label
        >Customer <input name="customerId" value="${filter.customerId ?? ''}" placeholder="cust-42" autocomplete="off"
      /></label>
      <button type="submit">Filter</button> <a href="/console/orders">Clear</a>
    </form>
    ${ordersTable(page.orders, {
      caption: 'Orders, newest first',
      empty: 'No orders match.',
      extra: {
        head: 'Approval',
        cell: (o) => (o.status === 'AWAITING_APPROVAL' ? timeLeft(o.approvalDeadline, now) : ''),
      },
    })}
    <nav class="actions" aria-label="Pages">
      ${first ? html`<a href="${first}">First page</a>` : ''}${
        next ? html`<a href="${next}" rel="next">Next page</a>` : ''
      }
    </nav>`;
}
