// Event settings from the environment: durations, retry delays and the defaults docs/events.md explains.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.js';
import { durationToMs, eventSettingsFromConfig, retryDelayMs } from '../../../src/events/nats/settings.js';

describe('event settings', () => {
  it('has defaults that need no configuration', () => {
    expect(eventSettingsFromConfig(loadConfig({}))).toEqual({
      maxAgeMs: 30 * 86_400_000,
      replicas: 1,
      duplicateWindowMs: 3_600_000,
      publishTimeoutMs: 5_000,
      ackWaitMs: 30_000,
      maxDeliver: 5,
      retryBackoffMs: [1_000, 10_000, 60_000, 300_000],
      fetchBatch: 10,
      inboxRetentionMs: 31 * 86_400_000,
    });
  });

  it('refuses an inbox retention shorter than the duplicate window, naming both', () => {
    expect(eventSettingsFromConfig(loadConfig({ INBOX_RETENTION: '1h' })).inboxRetentionMs).toBe(3_600_000);
    expect(() => loadConfig({ INBOX_RETENTION: '30m' })).toThrow(
      /INBOX_RETENTION: 30m is shorter than EVENTS_DUPLICATE_WINDOW \(1h\)/,
    );
    expect(() => loadConfig({ INBOX_RETENTION: '2d', EVENTS_DUPLICATE_WINDOW: '3d' })).toThrow(/INBOX_RETENTION/);
    expect(loadConfig({ INBOX_RETENTION: '3d', EVENTS_DUPLICATE_WINDOW: '3d' }).INBOX_RETENTION).toBe('3d');
  });

  it('reads the variables, and refuses bad ones by name', () => {
    const settings = eventSettingsFromConfig(
      loadConfig({ EVENTS_MAX_AGE: '7d', EVENTS_REPLICAS: '3', EVENTS_RETRY_BACKOFF: '50ms, 2s' }),
    );
    expect(settings).toMatchObject({ maxAgeMs: 7 * 86_400_000, replicas: 3, retryBackoffMs: [50, 2_000] });
    expect(() => loadConfig({ EVENTS_DUPLICATE_WINDOW: 'an hour', EVENTS_REPLICAS: '7' })).toThrow(
      /EVENTS_REPLICAS.*EVENTS_DUPLICATE_WINDOW|EVENTS_DUPLICATE_WINDOW.*EVENTS_REPLICAS/,
    );
  });

  it('converts durations and picks the nak delay by delivery count, repeating the last', () => {
    expect(['500ms', '30s', '15m', '24h', '7d'].map(durationToMs)).toEqual([
      500, 30_000, 900_000, 86_400_000, 604_800_000,
    ]);
    expect(() => durationToMs('soon')).toThrow(RangeError);
    const settings = { retryBackoffMs: [10, 20, 30] };
    expect([1, 2, 3, 4, 9].map((n) => retryDelayMs(settings, n))).toEqual([10, 20, 30, 30, 30]);
  });
});
