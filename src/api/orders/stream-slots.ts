// Caps on open event streams: so many per principal, so many in all, each slot given back when its stream ends.
import { openEventStreams } from '../../metrics/series.js';
import { ApiError } from '../errors.js';

/**
 * An event stream holds a socket and a JetStream consumer for as long as its order runs (an order awaiting
 * approval: up to a day), so they are counted: per principal, so one caller cannot take them all, and in total,
 * so the process keeps room for everything else. Counted per API process.
 */
export class StreamSlots {
  private total = 0;
  private readonly held = new Map<string, number>();

  constructor(
    private readonly perPrincipal: number,
    private readonly max: number,
  ) {}

  /** Takes a slot for `key`; the returned function gives it back (once, however often it is called). */
  acquire(key: string): () => void {
    const mine = this.held.get(key) ?? 0;
    if (mine >= this.perPrincipal) {
      throw new ApiError(
        'TOO_MANY_STREAMS',
        `You already hold ${mine} event streams open, as many as one caller may; close one first`,
        undefined,
        { headers: { 'Retry-After': '30' } },
      );
    }
    if (this.total >= this.max) {
      throw new ApiError('STREAMS_BUSY', 'The API holds as many event streams open as it may', undefined, {
        headers: { 'Retry-After': '30' },
      });
    }
    this.total += 1;
    this.held.set(key, mine + 1);
    openEventStreams.inc();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      openEventStreams.dec();
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }

  /** Streams open now, in all and for one key. */
  open(key?: string): number {
    return key === undefined ? this.total : (this.held.get(key) ?? 0);
  }
}
