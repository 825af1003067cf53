// The Order page: what the order is, its steps with attempts and durations, its compensations, failure and events, and what an operator may do.
import { html } from 'hono/html';
import type { ParsedEvent } from '../../events/envelope.js';
import type { OrderView } from '../orders/order-views.js';
import { actionsFor } from './actions.js';
import { between, instant, money, timeLeft } from './format.js';
import type { Html } from './layout.js';
import { orderHref, statusBadge } from './orders-page.js';

const failureText = (failure: { code: string; message: string } | undefined): Html | string =>
  failure === undefined ? '' : html`<strong>${failure.code}</strong>: ${failure.message}`;

const detailText = (detail: Record<string, string | number> | undefined): string =>
  detail === undefined
    ? ''
    : Object.entries(detail)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ');

/** The order's events as the stream holds them: name, place in the saga, time, producer and what it says. */
function eventsTable(events: readonly ParsedEvent[] | undefined): Html {
  if (events === undefined) return html`<p class="notice error">The order’s events could not be read just now.</p>`;
  if (events.length === 0) return html`<p>No events stored for this order yet.</p>`;
  return html`<div class="scroll">
    <table id="events">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Event</th>
          <th scope="col">Time</th>
          <th scope="col">From</th>
          <th scope="col">Data</th>
        </tr>
      </thead>
      <tbody>
        ${events.map(
          ({ name, envelope }) =>
            html`<tr>
              <td>${envelope.ordersequence ?? ''}</td>
              <td>${name}</td>
              <td>${instant(envelope.time)}</td>
              <td>${envelope.source}</td>
              <td><pre>${JSON.stringify(envelope.data)}</pre></td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function orderPage(order: OrderView, events: readonly ParsedEvent[] | undefined, now: number): Html {
  const actions = actionsFor(order.status);
  const steps = order.steps ?? [];
  const compensations = order.compensations ?? [];
  return html`<dl>
      <dt>Order</dt>
      <dd><code>${order.orderId}</code></dd>
      <dt>Status</dt>
      <dd id="order-status">${statusBadge(order.status)}</dd>
      <dt>Customer</dt>
      <dd>${order.customerId ?? '—'}</dd>
      <dt>Total</dt>
      <dd>${money(order.total)}</dd>
      ${
        order.approvalDeadline === undefined
          ? ''
          : html`<dt>Approval window</dt>
              <dd>
                closes
                ${instant(order.approvalDeadline)}${
                  order.status === 'AWAITING_APPROVAL' ? ` (${timeLeft(order.approvalDeadline, now)})` : ''
                }
              </dd>`
      }
      <dt>Created</dt>
      <dd>${instant(order.createdAt)}</dd>
      <dt>Updated</dt>
      <dd>${instant(order.updatedAt)}</dd>
      ${
        order.failure === undefined
          ? ''
          : html`<dt>Failure</dt>
              <dd id="order-failure">${failureText(order.failure)}</dd>`
      }
      <dt>Source</dt>
      <dd>
        ${order.source === 'workflow' ? 'the running workflow (live)' : 'the order read model (the workflow is gone)'}
      </dd>
      <dt>Links</dt>
      <dd>
        <a href="${order.links.temporalUi}">Workflow in the Temporal Web UI</a> ·
        <a href="/console/orders">All orders</a>
      </dd>
    </dl>
    <h2>Actions</h2>
    ${
      actions.length === 0
        ? html`<p>Nothing to do: no action applies to a ${order.status} order.</p>`
        : html`<div class="actions">
            ${actions.map((a) => html`<a href="${orderHref(order.orderId)}/${a.name}">${a.label}</a>`)}
          </div>`
    }
    <h2>Items</h2>
    ${
      order.items.length === 0
        ? html`<p>Not priced yet.</p>`
        : html`<div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">SKU</th>
                  <th scope="col">Name</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Unit price</th>
                  <th scope="col">Line total</th>
                </tr>
              </thead>
              <tbody>
                ${order.items.map(
                  (l) =>
                    html`<tr>
                      <td>${l.sku}</td>
                      <td>${l.name}</td>
                      <td>${l.quantity}</td>
                      <td>${money(l.unitPrice)}</td>
                      <td>${money(l.lineTotal)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <h2>Steps</h2>
    ${
      order.source === 'read-model'
        ? html`<p>Steps and compensations are kept in the workflow’s history: open it in the Temporal Web UI.</p>`
        : steps.length === 0
          ? html`<p>No step has run yet.</p>`
          : html`<div class="scroll">
              <table id="steps">
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Started</th>
                    <th scope="col">Took</th>
                    <th scope="col">Result or failure</th>
                  </tr>
                </thead>
                <tbody>
                  ${steps.map(
                    (s) =>
                      html`<tr>
                        <td>${s.name}</td>
                        <td>${s.outcome}</td>
                        <td>${s.attempts}</td>
                        <td>${instant(s.startedAt)}</td>
                        <td>${between(s.startedAt, s.finishedAt, now)}</td>
                        <td>${s.failure ? failureText(s.failure) : detailText(s.detail)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    ${
      compensations.length === 0
        ? ''
        : html`<h2>Compensations</h2>
            <div class="scroll">
              <table id="compensations">
                <thead>
                  <tr>
                    <th scope="col">Compensation</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Undid something</th>
                    <th scope="col">Started</th>
                    <th scope="col">Took</th>
                    <th scope="col">Failure</th>
                  </tr>
                </thead>
                <tbody>
                  ${compensations.map(
                    (s) =>
                      html`<tr>
                        <td>${s.name}</td>
                        <td>${s.outcome}</td>
                        <td>${s.applied === undefined ? '' : s.applied ? 'yes' : 'nothing to undo'}</td>
                        <td>${instant(s.startedAt)}</td>
                        <td>${between(s.startedAt, s.finishedAt, now)}</td>
                        <td>${failureText(s.failure)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }
    <h2>Events</h2>
    ${eventsTable(events)}`;
}
