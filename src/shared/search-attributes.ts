/** Typed search attribute keys the order workflow keeps current, so the Temporal Web UI can filter orders. */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrderStatusAttribute = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const CustomerIdAttribute = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OrderTotalAttribute = defineSearchAttributeKey('OrderTotal', SearchAttributeType.INT);

/** Every attribute the servers must register before the workflow can set it. */
export const orderSearchAttributes = [OrderStatusAttribute, CustomerIdAttribute, OrderTotalAttribute];
