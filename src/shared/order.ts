/** Plain order types shared by the API, the workflow and the services; safe to import into the workflow bundle. */

/** Money always travels in minor units (cents) with its ISO 4217 currency, never as a float. */
export interface Money {
  amount: number;
  currency: string;
}

export interface OrderLineInput {
  sku: string;
  quantity: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
}

/** What a customer submits; prices are never taken from here. */
export interface PlaceOrderInput {
  orderId: string;
  customerId: string;
  items: OrderLineInput[];
  payment: { token: string };
  shippingAddress: ShippingAddress;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: Money;
  lineTotal: Money;
}

/** The order as priced from the catalogue by the inventory service. */
export interface PricedOrder {
  lines: PricedLine[];
  total: Money;
}

/** The workflow ID for an order: one workflow per order, so the ID doubles as a uniqueness guard. */
export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}
