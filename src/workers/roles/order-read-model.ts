// The order-read-model role: one instance of the order read model (what GET /orders reads) on its durable of the same name.
import { startOrderReadModelService } from '../../read-models/orders/subscription.js';
import { readModelRole } from './read-model.js';

export const startOrderReadModel = readModelRole('order-read-model', 'orders', startOrderReadModelService);
