// Who asked for something to happen to an order: the principal the API authenticated, as the workflow records it.

/** `id` is the token's subject: the customer's ID for a customer, the operator's name or user ID for an operator. */
export interface Actor {
  kind: 'customer' | 'operator';
  id: string;
}

/** The longest actor ID kept; token subjects are short, and the ID travels in update arguments and events. */
export const maxActorIdLength = 255;

/**
 * Why `value` is not an actor, or undefined when it is one. Plain code without I/O, so the workflow's update
 * validators can refuse a malformed actor before it reaches the history, and the API can check what it builds.
 */
export function actorProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'actor must be an object { kind, id }';
  const { kind, id, ...rest } = value as Record<string, unknown>;
  if (kind !== 'customer' && kind !== 'operator') return 'actor.kind must be "customer" or "operator"';
  if (typeof id !== 'string' || id.length === 0 || id.length > maxActorIdLength) {
    return `actor.id must be a string of 1 to ${maxActorIdLength} characters`;
  }
  const extra = Object.keys(rest);
  if (extra.length > 0) return `actor has unknown fields: ${extra.join(', ')}`;
  return undefined;
}
