// What customers and operators have asked of a running order, set by update handlers and read by the saga.
import type { Actor } from '../shared/actor.js';
import type { ReasonInput } from './definitions.js';

/**
 * Handlers only record requests; the saga acts on them at its next safe point (between steps, or while
 * waiting). That keeps every status change in one place and avoids interrupting an activity mid-flight,
 * whose effect would then be unknown. Each request keeps who made it, for the events the saga publishes.
 */
export interface OrderRequests {
  approval?: { approved: true; actor?: Actor } | { approved: false; reason?: string; actor?: Actor };
  cancel?: ReasonInput;
  /** Set by `retryCompensations`, cleared by the saga when it starts the retry round. */
  retryCompensations: boolean;
  /** Who sent the latest `retryCompensations`. */
  retriedBy?: Actor;
}

export function noRequests(): OrderRequests {
  return { retryCompensations: false };
}
