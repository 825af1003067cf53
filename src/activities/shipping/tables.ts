// Row types of the shipping database, as Kysely sees them.
import type { OutboxTables } from '../../events/outbox/schema.js';

export interface ShipmentsTable {
  shipment_id: string;
  /** `<workflowId>:createShipment`; unique, so a retried shipment finds its row instead of shipping twice. */
  idempotency_key: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  /** ISO 3166-1 alpha-2 destination. */
  country: string;
  item_count: number;
  status: ShipmentStatus;
  created_at: string;
  cancel_key: string | null;
  cancelled_at: string | null;
  /** The destination as booked, JSON (`ShippingAddress`, country upper case); null on older rows and tombstones. */
  address: string | null;
  /**
   * 1 for a tombstone: cancelShipment found no shipment and took the shipment's key (status `cancelled`, no
   * parcel), so a late createShipment attempt cannot ship any more. Not a shipment; reads by order skip it.
   */
  tombstone: number;
}

export type ShipmentStatus = 'created' | 'cancelled';

export interface ShippingTables extends OutboxTables {
  shipments: ShipmentsTable;
}
