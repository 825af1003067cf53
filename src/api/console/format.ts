// How the console writes amounts, instants, durations and time left, the same way on every page.
import type { Money } from '../../shared/order.js';

/** Minor units as the currency's major units (`3998 EUR` → `EUR 39.98`); ISO 4217 currencies here have two decimals. */
export function money(value: Money | undefined): string {
  if (value === undefined) return '—';
  return `${value.currency} ${(value.amount / 100).toFixed(2)}`;
}

/** An instant as UTC to the second: operators in several zones read the same text. */
export function instant(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Milliseconds in the largest two units that matter (`850 ms`, `2.4 s`, `3 min 5 s`, `2 h 10 min`). */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1_000)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** From `startedAt` to `finishedAt` (or to now, while it runs). */
export function between(startedAt: string, finishedAt: string | undefined, now: number): string {
  const end = finishedAt === undefined ? now : Date.parse(finishedAt);
  const text = duration(end - Date.parse(startedAt));
  return finishedAt === undefined ? `${text} so far` : text;
}

/** Time left before `deadline`: what an approver needs to know first. */
export function timeLeft(deadline: string | undefined, now: number): string {
  if (deadline === undefined) return '—';
  const left = Date.parse(deadline) - now;
  return left <= 0 ? 'closed' : `${duration(left)} left`;
}
