import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainEvents, type DomainEvent } from '../../src/events/domain-events.js';
import { createOrganization, createTestApp, drainJobs, type TestApp } from '../test-app.js';

declare module '../../src/events/domain-events.js' {
  interface EventPayloads {
    'test.thing_happened': { thing: string };
    'test.other_thing': { n: number };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('domain events (outbox)', () => {
  let t: TestApp;
  let db: DataSource;
  let organizationId: string;
  const audit: DomainEvent<'test.thing_happened' | 'test.other_thing'>[] = [];
  const counter: DomainEvent<'test.thing_happened'>[] = [];
  let counterFailures = 0;

  beforeAll(async () => {
    t = await createTestApp(
      {},
      {
        beforeInit: (app) => {
          const events = app.get(DomainEvents);
          events.subscribe({
            name: 'test.audit',
            types: ['test.thing_happened', 'test.other_thing'],
            handle: (event) => {
              audit.push(event);
              return Promise.resolve();
            },
          });
          events.subscribe({
            name: 'test.counter',
            types: ['test.thing_happened'],
            retry: { delaysSeconds: [0] },
            handle: (event) => {
              counter.push(event);
              if (counterFailures > 0) {
                counterFailures -= 1;
                return Promise.reject(new Error('the counter is down'));
              }
              return Promise.resolve();
            },
          });
        },
      },
    );
    db = t.app.get(DataSource);
    organizationId = (await createOrganization(t)).id;
  });
  afterAll(() => t.close());

  const record = (thing: string, then?: () => void) =>
    db.transaction(async (manager) => {
      const id = await t.app
        .get(DomainEvents)
        .record(manager, { type: 'test.thing_happened', organizationId, payload: { thing } });
      then?.();
      return id;
    });

  it('records an event with the change it describes: rolled back, it never existed nor reached anyone', async () => {
    const thing = `rolled-back-${randomUUID()}`;
    await expect(
      record(thing, () => {
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await drainJobs(t);
    const rows = await db.query(`SELECT id FROM events WHERE payload->>'thing' = $1`, [thing]);
    expect(rows).toEqual([]);
    expect(audit.find((e) => e.type === 'test.thing_happened' && e.payload.thing === thing)).toBeUndefined();
  });

  it('delivers a committed event once to each subscriber of its type, with its id, type, time and payload', async () => {
    const thing = `committed-${randomUUID()}`;
    const id = await record(thing);
    await drainJobs(t);
    await sleep(200);
    await drainJobs(t);

    const got = audit.filter((e) => e.id === id);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id, type: 'test.thing_happened', organizationId, payload: { thing } });
    expect(got[0].occurredAt).toBeInstanceOf(Date);
    expect(counter.filter((e) => e.id === id)).toHaveLength(1);

    const [row] = await db.query<{ type: string; organization_id: string; payload: object }[]>(
      `SELECT type, organization_id, payload FROM events WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ type: 'test.thing_happened', organization_id: organizationId, payload: { thing } });
  });

  it('hands an event only to the subscribers of its type', async () => {
    const id = await db.transaction((manager) =>
      t.app
        .get(DomainEvents)
        .record(manager, { type: 'test.other_thing', organizationId, payload: { n: 7 } }),
    );
    await drainJobs(t);
    expect(audit.filter((e) => e.id === id)).toMatchObject([{ type: 'test.other_thing', payload: { n: 7 } }]);
    expect(counter.filter((e) => e.id === id)).toEqual([]);
  });

  it('delivers again, with the same id, to a subscriber that failed, and not to the others', async () => {
    counterFailures = 1;
    const id = await record(`retried-${randomUUID()}`);
    const deadline = Date.now() + 10_000;
    while (counter.filter((e) => e.id === id).length < 2 && Date.now() < deadline) {
      await drainJobs(t);
      await sleep(30);
    }
    expect(counter.filter((e) => e.id === id).map((e) => e.id)).toEqual([id, id]);
    expect(audit.filter((e) => e.id === id)).toHaveLength(1);
  });
});
