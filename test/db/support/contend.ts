// A process that increments one counter row in read-then-write transactions, to contend with another on one SQLite file.
// Usage: node --import tsx test/db/support/contend.ts <file> immediate|stock <increments>
import { createInterface } from 'node:readline';
import { increment, openCounter } from './counter.js';

const [filename, mode, count] = process.argv.slice(2);
if (!filename || (mode !== 'immediate' && mode !== 'stock') || !count) {
  throw new Error('usage: contend.ts <file> immediate|stock <increments>');
}
const db = openCounter(filename, mode);
// Both processes start incrementing at the same moment, when the test says go.
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'go') break;
lines.close();
const errors: Record<string, number> = {};
let done = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    await increment(db);
    done++;
  } catch (error) {
    const code = error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
    errors[code] = (errors[code] ?? 0) + 1;
  }
}
await db.destroy();
process.stdout.write(`${JSON.stringify({ done, errors })}\n`);
