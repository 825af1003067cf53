/** Task queues, one per service, so each service's workers scale and fail independently of the others. */
export const TaskQueues = {
  orders: 'orders',
  payments: 'payments',
  inventory: 'inventory',
  shipping: 'shipping',
} as const;

export type TaskQueue = (typeof TaskQueues)[keyof typeof TaskQueues];
