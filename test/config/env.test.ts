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

  describe('payload keys', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');

    it('reads several keys and the active one', () => {
      const config = loadConfig({ PAYLOAD_CODEC_KEYS: `old:${k1}, new:${k2}`, PAYLOAD_CODEC_ACTIVE_KEY: 'new' });
      expect(config.PAYLOAD_CODEC_KEYS?.map((k) => k.id)).toEqual(['old', 'new']);
      expect(config.PAYLOAD_CODEC_KEYS?.[1]?.key).toEqual(Buffer.alloc(32, 2));
    });

    it('names the variable and the key for a short key, a bad id, a missing separator or a repeated id', () => {
      const short = Buffer.alloc(16).toString('base64');
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `a:${short}` })).toThrow(
        /PAYLOAD_CODEC_KEYS: key 1 \(a\): the key must be 32 bytes/,
      );
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `bad id:${k1}` })).toThrow(/PAYLOAD_CODEC_KEYS: key 1 .*the id/);
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: k1 })).toThrow(
        /PAYLOAD_CODEC_KEYS: key 1 is not <id>:<base64 key>/,
      );
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `a:${k1},a:${k2}`, PAYLOAD_CODEC_ACTIVE_KEY: 'a' })).toThrow(
        /key 2 \(a\): the id appears twice/,
      );
      // The key itself never lands in the message.
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `a:${short}` })).not.toThrow(new RegExp(short.slice(0, 10)));
    });

    it('needs the active id to be one of the keys, and to be named when there are several', () => {
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `a:${k1}`, PAYLOAD_CODEC_ACTIVE_KEY: 'b' })).toThrow(
        /PAYLOAD_CODEC_ACTIVE_KEY: b is not one of the ids in PAYLOAD_CODEC_KEYS \(a\)/,
      );
      expect(() => loadConfig({ PAYLOAD_CODEC_KEYS: `a:${k1},b:${k2}` })).toThrow(
        /PAYLOAD_CODEC_ACTIVE_KEY: required when PAYLOAD_CODEC_KEYS holds several keys/,
      );
      expect(() => loadConfig({ PAYLOAD_CODEC_ACTIVE_KEY: 'a' })).toThrow(/PAYLOAD_CODEC_ACTIVE_KEY: set without/);
      expect(loadConfig({ PAYLOAD_CODEC_KEYS: `a:${k1}` }).PAYLOAD_CODEC_ACTIVE_KEY).toBeUndefined();
    });
  });
});
