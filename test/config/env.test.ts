// The environment is validated at the edge: defaults need no configuration, and bad values name the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';

describe('loadConfig', () => {
  it('runs on defaults alone', () => {
    const config = loadConfig({});
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.APPROVAL_TIMEOUT).toBe('24h');
    expect(config.SHIPPING_COUNTRIES).toContain('NL');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ API_PORT: '' }).API_PORT).toBe(3000);
  });

  it('names every bad variable in one message', () => {
    const bad = () => loadConfig({ API_PORT: 'eighty', APPROVAL_TIMEOUT: 'a day', SHIPPING_COUNTRIES: 'nl' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/API_PORT: .*APPROVAL_TIMEOUT: a duration.*SHIPPING_COUNTRIES/);
  });
});
