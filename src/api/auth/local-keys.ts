// The local issuer's signing keys in the data folder (auth/keys.json): created on first use, rotated on demand.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { z } from 'zod';

/** The key file is unreadable or not what this code writes; the message names the file. */
export class LocalKeysError extends Error {
  readonly code = 'AUTH_KEYS_INVALID';
  override readonly name = 'LocalKeysError';
}

const jwkSchema = z.looseObject({ kty: z.string() });
const storedKeySchema = z.object({
  kid: z.string().min(1),
  alg: z.string().min(1),
  createdAt: z.iso.datetime(),
  /** When it stopped signing; its public half is still served while tokens it signed may be valid. */
  retiredAt: z.iso.datetime().optional(),
  privateJwk: jwkSchema,
  publicJwk: jwkSchema,
});
const keyFileSchema = z.object({ version: z.literal(1), keys: z.array(storedKeySchema).min(1) });

type StoredKey = z.infer<typeof storedKeySchema>;
type KeyFile = z.infer<typeof keyFileSchema>;

/** The key that signs new tokens. */
export interface SigningKey {
  kid: string;
  alg: string;
  key: CryptoKey;
}

/** What a rotation did. */
export interface Rotation {
  /** The new key, signing from now on. */
  active: string;
  /** Retired keys still served (until `until`), so the tokens they signed stay valid until they expire. */
  kept: { kid: string; until: string }[];
  /** Retired keys past their retention, removed from the file. */
  dropped: string[];
}

/**
 * Private keys never leave this file: the API serves only the public halves, as a JWKS. The file is read on every
 * use, so a rotation by `npm run token -- --rotate-key` reaches a running API without a restart. `retentionMs`
 * is how long a retired key stays published: the longest lifetime a token may have (plus the clock tolerance).
 */
export class LocalKeys {
  readonly file: string;

  private constructor(
    readonly dir: string,
    private readonly algorithm: string,
    private readonly retentionMs: number,
  ) {
    this.file = join(dir, 'keys.json');
  }

  /**
   * The keys under `dir`, creating the folder (owner only) and a first key for `algorithm` when there is none.
   * Two processes starting together both try; the exclusive create lets one win and the other read its key.
   */
  static async open(dir: string, options: { algorithm: string; retentionMs: number }): Promise<LocalKeys> {
    const keys = new LocalKeys(dir, options.algorithm, options.retentionMs);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const first: KeyFile = { version: 1, keys: [await newKey(options.algorithm, new Date())] };
    await writeFile(keys.file, serialise(first), { flag: 'wx', mode: 0o600 }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
    await keys.read();
    return keys;
  }

  /** The newest key that has not been retired. */
  async signingKey(): Promise<SigningKey> {
    const { keys } = await this.read();
    const active = keys.filter((k) => k.retiredAt === undefined).at(-1);
    if (!active) throw new LocalKeysError(`${this.file} has no active key; run npm run token -- --rotate-key`);
    return { kid: active.kid, alg: active.alg, key: (await importJWK(active.privateJwk, active.alg)) as CryptoKey };
  }

  /** The public keys a verifier may meet: the active one and those retired less than the retention ago. */
  async publicKeySet(now = new Date()): Promise<JSONWebKeySet> {
    const { keys } = await this.read();
    return {
      keys: keys
        .filter((k) => this.published(k, now))
        .map((k) => ({ ...publicParts(k.publicJwk), kid: k.kid, alg: k.alg, use: 'sig' })),
    };
  }

  /** Retires the active key, drops retired keys past their retention, and adds a new key that signs from now on. */
  async rotate(now = new Date()): Promise<Rotation> {
    const file = await this.read();
    const at = now.toISOString();
    const retired = file.keys.map((k) => (k.retiredAt === undefined ? { ...k, retiredAt: at } : k));
    const kept = retired.filter((k) => this.published(k, now));
    const fresh = await newKey(this.algorithm, now);
    const next: KeyFile = { version: 1, keys: [...kept, fresh] };
    const temp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temp, serialise(next), { mode: 0o600 });
    await rename(temp, this.file);
    return {
      active: fresh.kid,
      kept: kept.map((k) => ({ kid: k.kid, until: this.publishedUntil(k).toISOString() })),
      dropped: retired.filter((k) => !kept.includes(k)).map((k) => k.kid),
    };
  }

  private published(key: StoredKey, now: Date): boolean {
    return key.retiredAt === undefined || this.publishedUntil(key).getTime() > now.getTime();
  }

  private publishedUntil(key: StoredKey): Date {
    return new Date(Date.parse(key.retiredAt ?? key.createdAt) + this.retentionMs);
  }

  private async read(): Promise<KeyFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      throw new LocalKeysError(`cannot read ${this.file}: ${(error as Error).message}`, { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new LocalKeysError(`${this.file} is not JSON`, { cause: error });
    }
    const parsed = keyFileSchema.safeParse(json);
    if (!parsed.success) throw new LocalKeysError(`${this.file} is not a key file: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
}

async function newKey(algorithm: string, now: Date): Promise<StoredKey> {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  // exportJWK always sets `kty`; the schema's type says so.
  return {
    kid: await calculateJwkThumbprint(publicJwk),
    alg: algorithm,
    createdAt: now.toISOString(),
    privateJwk: (await exportJWK(privateKey)) as StoredKey['privateJwk'],
    publicJwk: publicJwk as StoredKey['publicJwk'],
  };
}

/** The members of a public JWK (never `d`, `p`, `q`... even if a hand-edited file put them there). */
function publicParts(jwk: JWK): JWK {
  const { kty, crv, x, y, n, e } = jwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined));
}

function serialise(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
