// The baseline's activities: the successful saga's activity types, each doing nothing, so only Temporal's own cost remains.

/** Same names as the saga's, so the histories look alike; no I/O, no stores, no events. */
export const baselineActivities = {
  priceOrder: async (): Promise<void> => {},
  publishOrderEvent: async (): Promise<void> => {},
  chargePayment: async (): Promise<void> => {},
  reserveInventory: async (): Promise<void> => {},
  createShipment: async (): Promise<void> => {},
  commitReservation: async (): Promise<void> => {},
};

export type BaselineActivities = typeof baselineActivities;

/** Which of the baseline's task queues each activity runs on, mirroring the saga's services. */
export const baselineQueueOf = {
  orders: ['publishOrderEvent'],
  payments: ['chargePayment'],
  inventory: ['priceOrder', 'reserveInventory', 'commitReservation'],
  shipping: ['createShipment'],
} as const satisfies Record<string, readonly (keyof BaselineActivities)[]>;

export type BaselineQueues = Record<keyof typeof baselineQueueOf, string>;

/** The no-op activities one baseline worker serves. */
export function activitiesFor(queue: keyof typeof baselineQueueOf): Partial<BaselineActivities> {
  return Object.fromEntries(baselineQueueOf[queue].map((name) => [name, baselineActivities[name]]));
}
