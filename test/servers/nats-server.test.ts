// Proof that nats-server runs JetStream for real: a message with a Nats-Msg-Id is stored once, its duplicate rejected.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

describe('nats-server with JetStream', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: inject('natsUrl') });
  });
  afterAll(async () => {
    await nc?.close();
  });

  it('deduplicates a message by Nats-Msg-Id', async () => {
    const jsm = await jetstreamManager(nc);
    const stream = `PROOF_${Date.now()}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`], duplicate_window: 60_000_000_000 });
    const js = jetstream(nc);
    const subject = `${stream.toLowerCase()}.hello`;

    const first = await js.publish(subject, 'hello', { msgID: 'event-1' });
    const second = await js.publish(subject, 'hello again', { msgID: 'event-1' });

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    expect((await jsm.streams.info(stream)).state.messages).toBe(1);
  });
});
