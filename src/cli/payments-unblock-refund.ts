// `npm run payments:unblock-refund -- --order <orderId>`: lifts the provider's block on an order's refund, so retryCompensations can refund it.
import { z } from 'zod';
import { unblockRefund } from '../activities/payments/unblock-refund.js';
import { loadConfig } from '../config/env.js';
import { serviceDatabase } from '../db/database.js';
import { parseFlags, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'payments:unblock-refund',
  usage: 'npm run payments:unblock-refund -- --order <orderId>',
  summary: 'Lifts the provider’s block on an order’s refund, so POST /orders/<id>/retry-compensations can refund it.',
  flags: {
    order: { type: 'string', value: 'an order ID', help: 'the order whose refund the provider blocked' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  order: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'needs an order ID') })
    .trim()
    .regex(/^\S{1,200}$/, 'must be an order ID (no spaces, at most 200 characters)'),
});

async function main(argv: string[]): Promise<number> {
  const { order: orderId } = parseFlags(argv, command.flags, flagsSchema);
  const result = await unblockRefund(serviceDatabase(loadConfig(), 'payments'), orderId);
  if (!result.unblocked) {
    console.error(`${command.name}: order ${orderId} has no blocked charge (${result.why})`);
    return 1;
  }
  console.log(
    `unblocked the refund of order ${orderId} (payment ${result.paymentId ?? '?'}); ` +
      `now POST /orders/${orderId}/retry-compensations`,
  );
  return 0;
}

runCommand(command, main);
