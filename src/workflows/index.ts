// What the orders worker bundles: every workflow type the worker runs.
export { orderSaga } from './order-saga.js';
