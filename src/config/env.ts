// The one place that reads the environment: one zod schema, parsed once, failing fast with a message naming each bad variable.
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 15m, 24h or 7d');
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Every variable the service understands, with the local defaults that let `npm run dev` need no configuration. */
export const envSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  TEMPORAL_UI_PORT: port.default(8233),

  NATS_URL: z.string().regex(/^nats:\/\//, 'a nats:// URL').default('nats://127.0.0.1:4222'),
  NATS_MONITOR_PORT: port.default(8222),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),

  APPROVAL_THRESHOLD: z.coerce.number().int().min(0).default(100_000),
  APPROVAL_TIMEOUT: duration.default('24h'),
  SHIPPING_COUNTRIES: csv
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'two-letter upper-case country codes')).min(1))
    .default(['NL', 'DE', 'BE', 'FR', 'GB', 'US']),
});

export type Config = z.infer<typeof envSchema>;

/** Thrown at start-up when the environment is invalid; the message lists every offending variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); empty strings count as unset so `FOO=` means "use the default". */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return result.data;
}

/** host and port of a `host:port` address such as TEMPORAL_ADDRESS. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
