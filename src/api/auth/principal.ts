// Who a verified token speaks for: its subject and scopes, and what that makes them (customer, operator).
import type { JWTPayload } from 'jose';
import type { Actor } from '../../shared/actor.js';
import { maxActorIdLength } from '../../shared/actor.js';

/** The scopes the API knows; any other scope a token carries is kept but grants nothing here. */
export const Scopes = {
  /** Approve, reject, cancel and retry any order; read every order, stream and notification; analytics. */
  operate: 'orders:operate',
  /** Place orders as the token's subject, read and cancel one's own. */
  place: 'orders:place',
} as const;

export type Scope = (typeof Scopes)[keyof typeof Scopes];

/** A verified token's principal. `subject` is the token's `sub`: a customer's ID, or an operator's user ID. */
export interface Principal {
  subject: string;
  scopes: ReadonlySet<string>;
}

export function isOperator(principal: Principal): boolean {
  return principal.scopes.has(Scopes.operate);
}

export function isCustomer(principal: Principal): boolean {
  return principal.scopes.has(Scopes.place);
}

/**
 * The actor the workflow records for a principal. A token with both scopes acts as an operator: what it does
 * is an operator's act, and the audit record says so.
 */
export function actorOf(principal: Principal): Actor {
  return { kind: isOperator(principal) ? 'operator' : 'customer', id: principal.subject };
}

/** `operator:alice`, `customer:cust-42`: the key of a principal's rate limit and stream slots. */
export function principalKey(principal: Principal): string {
  const { kind, id } = actorOf(principal);
  return `${kind}:${id}`;
}

/**
 * The principal of verified claims, or why there is none. The scopes come from `roleClaim`, as a
 * space-separated string (OAuth 2's `scope`) or an array of strings (what some providers put in `roles`
 * or `permissions`).
 */
export function principalOfClaims(claims: JWTPayload, roleClaim: string): Principal | string {
  const { sub } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > maxActorIdLength) {
    return `the token's "sub" must be a string of 1 to ${maxActorIdLength} characters`;
  }
  const raw: unknown = claims[roleClaim];
  let scopes: string[];
  if (raw === undefined) scopes = [];
  else if (typeof raw === 'string') scopes = raw.split(' ').filter(Boolean);
  else if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) scopes = raw;
  else return `the token's "${roleClaim}" claim must be a space-separated string or an array of strings`;
  return { subject: sub, scopes: new Set(scopes) };
}
