// An order's domain event as the API streams it to whoever asks: operators get it as published, customers without internals.
import type { EventEnvelope } from '../../events/envelope.js';
import { forCustomer } from '../../shared/customer-text.js';
import type { Audience } from './order-views.js';

/**
 * For a customer, an event's `reason` carries the customer's text for its code (a decline reason is the
 * provider's words, a rejection reason an operator's note) and its `actor` is left out (which operator acted is
 * the operators' business). Everything else is the envelope as published, id and type included.
 */
export function envelopeFor(audience: Audience, envelope: EventEnvelope): EventEnvelope {
  if (audience === 'operator') return envelope;
  const { actor: _actor, ...data } = envelope.data as EventEnvelope['data'] & { actor?: unknown };
  const reason = (data as { reason?: { code: string; message: string } }).reason;
  return {
    ...envelope,
    data: { ...data, ...(reason === undefined ? {} : { reason: forCustomer(reason) }) },
  };
}
