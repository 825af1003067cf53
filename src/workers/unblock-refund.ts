// `npm run payments:unblock-refund -- --order <orderId>`: lifts the provider's block on an order's refund, so retryCompensations can refund it.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { openPaymentStore } from '../activities/payments/store.js';
import { loadConfig } from '../config/env.js';
import { serviceDatabase } from '../db/database.js';

const usage = 'usage: payments:unblock-refund -- --order <orderId>';

const flagsSchema = z.object({
  order: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'needs an order ID') })
    .trim()
    .regex(/^\S{1,200}$/, 'must be an order ID (no spaces, at most 200 characters)'),
});

/** A bad command line; the message starts with the flag it is about. */
class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** node:util's parseArgs (strict), then zod; every problem names its flag, e.g. `--order: is required`. */
function parseFlags(argv: string[]): { help: true } | { help: false; orderId: string } {
  let values: { order?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { order: { type: 'string' }, help: { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1];
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new FlagError(`${flag ?? 'flag'}: unknown flag; ${usage}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new FlagError(`--order: needs an order ID; ${usage}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new FlagError(`${flag ?? 'argument'}: unexpected argument; ${usage}`);
    }
    throw new FlagError(`${message}; ${usage}`);
  }
  if (values.help) return { help: true };
  const result = flagsSchema.safeParse(values);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new FlagError(`--${String(issue?.path[0] ?? 'order')}: ${issue?.message ?? 'invalid'}; ${usage}`);
  }
  return { help: false, orderId: result.data.order };
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(usage);
    return 0;
  }
  const { orderId } = flags;
  const config = loadConfig();
  const location = serviceDatabase(config, 'payments');
  // Opening would create (and migrate) an empty database: a mistyped DATA_DIR must say so instead.
  if ('filename' in location && !existsSync(location.filename)) {
    throw new Error(`no payments database at ${location.filename} (is DATA_DIR right?)`);
  }
  const store = await openPaymentStore(location);
  try {
    if (!(await store.unblockRefund(orderId))) {
      const charge = await store.findChargeByOrder(orderId);
      const why = charge === undefined ? 'no charge at all' : `its charge ${charge.paymentId} is ${charge.status}`;
      console.error(`payments:unblock-refund: order ${orderId} has no blocked charge (${why})`);
      return 1;
    }
    const charge = await store.findChargeByOrder(orderId);
    console.log(
      `unblocked the refund of order ${orderId} (payment ${charge?.paymentId ?? '?'}); ` +
        `now POST /orders/${orderId}/retry-compensations`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`payments:unblock-refund: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
