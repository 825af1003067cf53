// The order actions on the real saga: nothing without a valid token and the right principal, and the history records who acted.
import type { temporal } from '@temporalio/proto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { orderWorkflowId } from '../../src/shared/order.js';
import { approveUpdate, cancelUpdate, rejectUpdate } from '../../src/workflows/definitions.js';
import type { ActorInput } from '../../src/workflows/definitions.js';
import { decodeTestPayload } from '../support/test-payload-keys.js';
import { waitFor } from '../support/wait-for.js';
import { expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { act, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { OrderAnswer, SagaApi } from './support/saga-api.js';
import { badCredentials, expectForbidden, expectRefused, quiet, sagaSnapshot } from './support/security.js';
import { asUser, testIssuer, testOperator, tokenFor } from './support/tokens.js';

let api: SagaApi;
const victim = { customer: 'cus_victim' } as const;
const mallory = { customer: 'cus_mallory' } as const;
const alice = { operator: 'alice' } as const;
const actions = ['cancel', 'approve', 'reject', 'retry-compensations'] as const;
const operatorActions = ['approve', 'reject', 'retry-compensations'] as const;

/** An order above the approval threshold: it waits for an operator, so every action is possible on it. */
const laptop = () => orderBody({ customerId: victim.customer, items: [{ sku: 'SKU-LAPTOP', quantity: 1 }] });

async function awaitingApproval(): Promise<string> {
  const { res, body } = await place(api, laptop());
  expect(res.status).toBe(201);
  await waitForOrder(api, body.orderId, (o) => o.status === 'AWAITING_APPROVAL');
  return body.orderId;
}

let waiting: string;
let parked: string;

beforeAll(async () => {
  api = await startSagaApi('api-actions-security');
  waiting = await awaitingApproval();
  // Out of stock with a refund the provider refuses: parked in COMPENSATION_FAILED, waiting for retry-compensations.
  const blocked = await place(
    api,
    orderBody({
      customerId: victim.customer,
      items: [{ sku: 'SKU-SOLDOUT', quantity: 1 }],
      payment: { token: 'tok_refund_blocked' },
    }),
  );
  parked = blocked.body.orderId;
  await waitForOrder(api, parked, (o) => o.status === 'COMPENSATION_FAILED');
  await quiet(api, [waiting, parked]);
});

afterAll(async () => {
  await api?.stop();
});

const post = (orderId: string, action: string, headers: Record<string, string>, body: unknown = {}) =>
  api.raw.request(`/orders/${orderId}/${action}`, jsonInit(body, headers));

/** Both orders as they are: status, history length (an accepted update would add to it), effects. */
async function snapshot() {
  const statuses = await Promise.all(
    [waiting, parked].map(
      async (id) => ((await (await api.as(testOperator).request(`/orders/${id}`)).json()) as OrderAnswer).status,
    ),
  );
  return { statuses, ...(await sagaSnapshot(api, [waiting, parked])) };
}

describe('without a valid token', () => {
  it('every action on every order is 401, and nothing changes', async () => {
    const before = await snapshot();
    const bad = await badCredentials(victim.customer);
    for (const orderId of [waiting, parked]) {
      for (const action of actions) {
        for (const credential of bad) await expectRefused(await post(orderId, action, credential.headers), credential);
      }
    }
    expect(await snapshot()).toEqual(before);
    expect(before.statuses).toEqual(['AWAITING_APPROVAL', 'COMPENSATION_FAILED']);
  });
});

describe('with another principal’s rights', () => {
  it('a customer may not approve, reject or retry, not even on their own order (403), and nothing changes', async () => {
    const before = await snapshot();
    for (const orderId of [waiting, parked]) {
      for (const action of operatorActions) {
        const res = await post(orderId, action, await asUser(victim), { reason: 'approving myself' });
        expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="orders:operate"/);
        await expectForbidden(res);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('another customer’s cancel answers as for an unknown order (404), and nothing changes', async () => {
    const before = await snapshot();
    for (const orderId of [waiting, parked]) {
      const error = await expectErrorShape(await post(orderId, 'cancel', await asUser(mallory)), 404, 'NOT_FOUND');
      expect(error.message).toBe(`Order ${orderId} does not exist`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a token without any of the API’s scopes may do nothing (403)', async () => {
    const before = await snapshot();
    const key = await (await testIssuer()).keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    const scopeless = await new SignJWT({ scope: 'profile email' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setSubject(victim.customer)
      .setIssuer('urn:order-saga:local')
      .setAudience('order-saga-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key.key);
    for (const action of actions) {
      await expectForbidden(await post(waiting, action, { authorization: `Bearer ${scopeless}` }));
    }
    await expectForbidden(
      await api.raw.request(`/orders/${waiting}`, { headers: { authorization: `Bearer ${scopeless}` } }),
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a form post, the kind another site could make, with 415 even with a valid token', async () => {
    const before = await snapshot();
    const operator = `Bearer ${await tokenFor(alice)}`;
    for (const type of [
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/plain',
      undefined,
    ]) {
      for (const action of actions) {
        const res = await api.raw.request(`/orders/${waiting}/${action}`, {
          method: 'POST',
          headers: { authorization: operator, ...(type === undefined ? {} : { 'content-type': type }) },
          ...(type === undefined ? {} : { body: 'reason=forged' }),
        });
        await expectErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

/** The arguments of every update the order's workflow accepted, by update name, decoded from the history. */
async function acceptedUpdates(orderId: string): Promise<{ name: string; arg: unknown }[]> {
  const history = await api.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const updates: { name: string; arg: unknown }[] = [];
  for (const event of history.events ?? ([] as temporal.api.history.v1.IHistoryEvent[])) {
    const input = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (!input?.name) continue;
    const [payload] = input.args?.payloads ?? [];
    updates.push({ name: input.name, arg: payload === undefined ? undefined : await decodeTestPayload(payload) });
  }
  return updates;
}

/** The input of every publishOrderEvent the workflow scheduled, decoded from the history. */
async function publishedByWorkflow(orderId: string): Promise<Record<string, unknown>[]> {
  const history = await api.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const inputs: Record<string, unknown>[] = [];
  for (const event of history.events ?? ([] as temporal.api.history.v1.IHistoryEvent[])) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'publishOrderEvent') continue;
    const [payload] = scheduled.input?.payloads ?? [];
    if (payload !== undefined) inputs.push(await decodeTestPayload<Record<string, unknown>>(payload));
  }
  return inputs;
}

describe('the workflow’s own validators, behind the API', () => {
  it('refuse an update whose actor could not have made it, before it reaches the history', async () => {
    const before = await snapshot();
    const handle = api.client.workflow.getHandle(orderWorkflowId(waiting));
    const refusal = (update: Promise<unknown>) =>
      update.then(
        () => 'accepted',
        (error: unknown) => (error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? '') : String(error)),
      );
    const customer = (id: string) => ({ actor: { kind: 'customer' as const, id } });
    expect(await refusal(handle.executeUpdate(cancelUpdate, { args: [customer(mallory.customer)] }))).toMatch(
      /is not customer cus_mallory's order/,
    );
    for (const update of [approveUpdate, rejectUpdate]) {
      expect(await refusal(handle.executeUpdate(update, { args: [customer(victim.customer)] }))).toMatch(
        /Only an operator may/,
      );
    }
    const forged = { actor: { kind: 'admin', id: 'root' } } as unknown as ActorInput;
    expect(await refusal(handle.executeUpdate(approveUpdate, { args: [forged] }))).toMatch(/actor.kind must be/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('the workflow history is the audit log', () => {
  it('records the operator who approved, in the update and in the OrderApproved event', async () => {
    const orderId = await awaitingApproval();
    expect((await act(api, orderId, 'approve', undefined, alice)).res.status).toBe(200);
    const updates = await acceptedUpdates(orderId);
    expect(updates).toEqual([
      { name: 'confirmPlacement', arg: { actor: { kind: 'customer', id: victim.customer } } },
      { name: 'approve', arg: { actor: { kind: 'operator', id: 'alice' } } },
    ]);
    const approved = (await publishedByWorkflow(orderId)).find((e) => e.name === 'OrderApproved');
    expect(approved).toMatchObject({ actor: { kind: 'operator', id: 'alice' }, customerId: victim.customer });
    const event = api.workers.publisher.ofName('OrderApproved').find((e) => e.subject === orderId);
    expect(event?.data).toMatchObject({ actor: { kind: 'operator', id: 'alice' } });
  });

  it('records who cancelled: the customer themself, on the update and on OrderCancelled', async () => {
    const orderId = await awaitingApproval();
    const cancelled = await act(api, orderId, 'cancel', { reason: 'Changed my mind' }, victim);
    expect(cancelled.res.status).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect((await acceptedUpdates(orderId)).at(-1)).toEqual({
      name: 'cancel',
      arg: { actor: { kind: 'customer', id: victim.customer }, reason: 'Changed my mind' },
    });
    // The update answers on CANCELLED; the event goes out a moment later.
    const event = await waitFor(() =>
      api.workers.publisher.ofName('OrderCancelled').find((e) => e.subject === orderId),
    );
    expect(event.data).toMatchObject({ actor: { kind: 'customer', id: victim.customer } });
  });

  it('records the operator who retried the compensations, on CompensationsRetried', async () => {
    expect(await api.workers.stores.payments.unblockRefund(parked)).toBe(true);
    const retried = await act(api, parked, 'retry-compensations', undefined, alice);
    expect(retried.res.status).toBe(200);
    expect((await acceptedUpdates(parked)).at(-1)).toEqual({
      name: 'retryCompensations',
      arg: { actor: { kind: 'operator', id: 'alice' } },
    });
    const event = api.workers.publisher.ofName('CompensationsRetried').find((e) => e.subject === parked);
    expect(event?.data).toMatchObject({ actor: { kind: 'operator', id: 'alice' }, status: 'COMPENSATING' });
  });
});

describe('what a customer is told', () => {
  it('never the operator’s note on a rejection; operators see it', async () => {
    const orderId = await awaitingApproval();
    const note = 'Fraud check: card BIN 4000-12 flagged by risk team';
    const rejected = await act(api, orderId, 'reject', { reason: note }, alice);
    expect(rejected.body.failure).toEqual({ code: 'APPROVAL_REJECTED', message: note });
    const theirs = await api.as(victim).request(`/orders/${orderId}`);
    const text = await theirs.clone().text();
    expect((await theirs.json()) as OrderAnswer).toMatchObject({
      status: 'CANCELLED',
      failure: { code: 'APPROVAL_REJECTED', message: 'The order was not approved.' },
    });
    expect(text).not.toMatch(/Fraud|BIN|risk/);
  });
});
