// The actions an operator takes on an order from the console, which statuses offer each, and what it sends.
import type { OrderStatus } from '../../shared/order-status.js';
import { approveUpdate, cancelUpdate, rejectUpdate, retryCompensationsUpdate } from '../../workflows/definitions.js';
import type { OrderUpdate } from '../orders/order-workflows.js';

export interface ConsoleAction {
  /** The last segment of its URL, as on the API's action route (`/orders/{id}/<name>`). */
  name: 'approve' | 'reject' | 'cancel' | 'retry-compensations';
  label: string;
  /** The question the confirmation page asks. */
  question: string;
  /** Said after it was accepted. */
  done: string;
  update: OrderUpdate;
  /** Whether the form asks for a reason (kept in the history and the event). */
  reason: boolean;
  /**
   * Where the console offers it. Only a hint: the workflow's validators decide, and the console shows their refusal
   * (an order that moved on between the page and the click).
   */
  offeredIn: readonly OrderStatus[];
}

export const consoleActions: readonly ConsoleAction[] = [
  {
    name: 'approve',
    label: 'Approve',
    question: 'Approve this order? Its payment is charged and the saga carries on.',
    done: 'Approved',
    update: approveUpdate,
    reason: false,
    offeredIn: ['AWAITING_APPROVAL'],
  },
  {
    name: 'reject',
    label: 'Reject',
    question: 'Reject this order? It ends CANCELLED with APPROVAL_REJECTED.',
    done: 'Rejected',
    update: rejectUpdate,
    reason: true,
    offeredIn: ['AWAITING_APPROVAL'],
  },
  {
    name: 'cancel',
    label: 'Cancel',
    question: 'Cancel this order? Every step taken so far is undone (refund, release, cancel shipment).',
    done: 'Cancelled',
    update: cancelUpdate,
    reason: true,
    offeredIn: ['PENDING', 'AWAITING_APPROVAL', 'PAYMENT_CAPTURED', 'INVENTORY_RESERVED'],
  },
  {
    name: 'retry-compensations',
    label: 'Retry compensations',
    question: 'Retry the failed compensations? Do it once their cause is fixed (a refund unblocked, say).',
    done: 'Compensations retried',
    update: retryCompensationsUpdate,
    reason: false,
    offeredIn: ['COMPENSATION_FAILED'],
  },
];

/** The action named in a URL, or undefined for a name that is not one. */
export function consoleAction(name: string): ConsoleAction | undefined {
  return consoleActions.find((a) => a.name === name);
}

/** What the order page offers for an order in `status`. */
export function actionsFor(status: OrderStatus): ConsoleAction[] {
  return consoleActions.filter((a) => a.offeredIn.includes(status));
}
