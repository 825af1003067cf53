// The Queues page: orders waiting for an operator, those awaiting approval (with the time left) and those parked in COMPENSATION_FAILED.
import { html } from 'hono/html';
import type { OrderSummary } from '../ports/order-read-model.js';
import { instant, timeLeft } from './format.js';
import type { Html } from './layout.js';
import { orderHref, ordersTable } from './orders-page.js';

export interface Queues {
  awaitingApproval: readonly OrderSummary[];
  parked: readonly OrderSummary[];
  /** Whether either list was cut at the page size (the Orders page, filtered, has the rest). */
  more: { awaitingApproval: boolean; parked: boolean };
}

const moreLink = (shown: boolean, status: string): Html | string =>
  shown ? html`<p><a href="/console/orders?status=${status}">Every ${status} order</a></p>` : '';

export function queuesPage(queues: Queues, now: number): Html {
  // The approvals closing first come first: that is the order an approver works in.
  const awaiting = [...queues.awaitingApproval].sort((a, b) =>
    (a.approvalDeadline ?? '\uffff').localeCompare(b.approvalDeadline ?? '\uffff'),
  );
  return html`<h2 id="awaiting-approval">Awaiting approval (${awaiting.length})</h2>
    ${ordersTable(awaiting, {
      caption: 'Orders awaiting approval, the window closing first on top',
      empty: 'No order is waiting for approval.',
      extra: {
        head: 'Time left',
        cell: (o) =>
          html`<span title="${instant(o.approvalDeadline)}">${timeLeft(o.approvalDeadline, now)}</span>
            <div class="actions">
              <a href="${orderHref(o.orderId)}/approve">Approve</a><a href="${orderHref(o.orderId)}/reject">Reject</a>
            </div>`,
      },
    })}${moreLink(queues.more.awaitingApproval, 'AWAITING_APPROVAL')}
    <h2 id="parked">Parked: compensations failed (${queues.parked.length})</h2>
    <p>
      A compensation failed for good: fix its cause (for a refund the provider blocked,
      <code>npm run payments:unblock-refund -- --order &lt;orderId&gt;</code>), then retry.
    </p>
    ${ordersTable(queues.parked, {
      caption: 'Orders whose compensations failed',
      empty: 'No order is parked.',
      extra: {
        head: 'Failure',
        cell: (o) =>
          html`${o.failure ? html`<strong>${o.failure.code}</strong>: ${o.failure.message}` : ''}
            <div class="actions"><a href="${orderHref(o.orderId)}/retry-compensations">Retry compensations</a></div>`,
      },
    })}${moreLink(queues.more.parked, 'COMPENSATION_FAILED')}`;
}
