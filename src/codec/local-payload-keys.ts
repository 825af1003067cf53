// The main command's payload keys in the data folder (codec/keys.json): created on first start, kept, rotated on demand.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { keyBytes, keyIdPattern } from './encryption-codec.js';
import type { PayloadKeyRing } from './encryption-codec.js';
import { PayloadKeysError } from './errors.js';

const storedKeySchema = z.object({
  id: z.string().regex(keyIdPattern),
  /** The 32 key bytes, base64. */
  key: z.base64(),
  createdAt: z.iso.datetime(),
});
const keyFileSchema = z.object({ version: z.literal(1), active: z.string(), keys: z.array(storedKeySchema).min(1) });
type KeyFile = z.infer<typeof keyFileSchema>;

/**
 * A key is never dropped from this file: every history that one encrypted needs it for as long as the history is
 * kept (replays, the Web UI, `temporal workflow show`). A rotation adds a key and makes it the active one; a
 * running process keeps the keys it loaded at start, so restart the processes after a rotation (they still
 * decrypt everything the new key encrypts only once they have loaded it: restart them all together).
 */
export class LocalPayloadKeys {
  readonly file: string;

  private constructor(readonly dir: string) {
    this.file = join(dir, 'keys.json');
  }

  /**
   * The keys under `dir`, creating the folder (owner only) and a first key when there is none. Processes
   * starting together on one data folder all try; the exclusive create lets one win and the others read its key.
   */
  static async open(dir: string): Promise<LocalPayloadKeys> {
    const keys = new LocalPayloadKeys(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = newKey(new Date());
    const first: KeyFile = { version: 1, active: key.id, keys: [key] };
    await writeFile(keys.file, serialise(first), { flag: 'wx', mode: 0o600 }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
    await keys.ring();
    return keys;
  }

  /** Every key in the file, the active one named. */
  async ring(): Promise<PayloadKeyRing> {
    const file = await this.read();
    return { activeId: file.active, keys: file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })) };
  }

  /** Adds a new key that encrypts from now on (once processes restart); the earlier keys stay to decrypt. */
  async rotate(now = new Date()): Promise<{ active: string; kept: string[] }> {
    const file = await this.read();
    const fresh = newKey(now);
    const next: KeyFile = { version: 1, active: fresh.id, keys: [...file.keys, fresh] };
    const temp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temp, serialise(next), { mode: 0o600 });
    await rename(temp, this.file);
    return { active: fresh.id, kept: file.keys.map((k) => k.id) };
  }

  private async read(): Promise<KeyFile> {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (error) {
      throw new PayloadKeysError(`cannot read the payload keys in ${this.file}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const parsed = keyFileSchema.safeParse(json);
    if (!parsed.success) {
      throw new PayloadKeysError(`${this.file} is not a payload key file: ${parsed.error.issues[0]?.message}`);
    }
    const { active, keys } = parsed.data;
    if (!keys.some((k) => k.id === active))
      throw new PayloadKeysError(`${this.file}: the active key ${active} is missing`);
    const short = keys.find((k) => Buffer.from(k.key, 'base64').length !== keyBytes);
    if (short) throw new PayloadKeysError(`${this.file}: key ${short.id} is not ${keyBytes} bytes`);
    return parsed.data;
  }
}

function newKey(now: Date): KeyFile['keys'][number] {
  // The date says when it was made; the random tail keeps two keys made the same second apart.
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return {
    id: `local-${stamp}-${randomBytes(3).toString('hex')}`,
    key: randomBytes(keyBytes).toString('base64'),
    createdAt: now.toISOString(),
  };
}

function serialise(file: KeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
