import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../../src/clock.js';
import { loadConfig, type DatabaseConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { AppError } from '../../src/errors.js';
import { GENESIS_HASH, hashEvent } from '../../src/features/audit/chain.js';
import {
  recordAuditEvent,
  type AuditEventInput,
  type AuditEventRow,
} from '../../src/features/audit/repo.js';
import {
  AUDIT_CSV_COLUMNS,
  listAuditEvents,
  recordDeniedAttempt,
  verifyAuditTrail,
  writeAuditEventsCsv,
  type AuditListQuery,
} from '../../src/features/audit/service.js';
import { testConfig } from '../helpers/app.js';
import { runCloudOffice } from '../helpers/cli.js';
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.js';

const quiet = pino({ level: 'silent' });
const START = '2026-03-01T09:00:00.000Z';

const officer = {
  userId: 'user-dg',
  email: 'dg@cloud.gov.example',
  organizationId: 'org-office',
  position: 'DG Cloud',
};

function eventInput(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    actor: officer,
    action: 'organization.create',
    outcome: 'success',
    target: { type: 'organization', id: 'org-1' },
    summary: { after: { name: 'Ministry of IT' } },
    requestId: 'req-1',
    ...overrides,
  };
}

/** Opens a context on `config`, migrated, with a clock that stands still unless moved. */
async function openContext(
  database: TestDatabase,
  config: DatabaseConfig,
  clock = new ManualClock(START),
): Promise<AppContext> {
  const ctx = await AppContext.create(testConfig(config, database.dataDir), {
    logger: quiet,
    clock,
  });
  await migrateToLatest(ctx.db);
  return ctx;
}

/** Runs `work` on a fresh, migrated database of the suite's dialect, closed afterwards. */
async function withFreshTrail(
  database: TestDatabase,
  work: (ctx: AppContext, clock: ManualClock) => Promise<void>,
): Promise<void> {
  const clock = new ManualClock(START);
  const ctx = await openContext(database, await database.another(), clock);
  try {
    await work(ctx, clock);
  } finally {
    await ctx.close();
  }
}

/** Appends one event in a transaction of its own, a second after the previous one. */
async function append(
  ctx: AppContext,
  overrides: Partial<AuditEventInput> = {},
): Promise<AuditEventRow> {
  if (ctx.clock instanceof ManualClock) ctx.clock.advance(1000);
  return ctx.db
    .transaction()
    .execute((trx) => recordAuditEvent(trx, eventInput(overrides), ctx.clock));
}

async function appendMany(ctx: AppContext, count: number): Promise<AuditEventRow[]> {
  const events: AuditEventRow[] = [];
  for (let i = 1; i <= count; i++) {
    events.push(
      await append(ctx, {
        target: { type: 'organization', id: `org-${i}` },
        requestId: `req-${i}`,
      }),
    );
  }
  return events;
}

async function allEvents(ctx: AppContext): Promise<AuditEventRow[]> {
  return ctx.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
}

async function head(ctx: AppContext): Promise<{ last_seq: number; last_hash: string }> {
  return ctx.db
    .selectFrom('audit_head')
    .select(['last_seq', 'last_hash'])
    .executeTakeFirstOrThrow();
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  assert.ok(item !== undefined, `no item at ${index}`);
  return item;
}

/** A small RFC 4180 reader, to check the export the way a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += char;
  }
  assert.equal(field + record.join(''), '', 'the last record ends with CRLF');
  return records;
}

async function exportCsv(ctx: AppContext, query: AuditListQuery = {}, batchSize?: number) {
  let text = '';
  const count = await writeAuditEventsCsv(
    ctx.db,
    query,
    (chunk) => {
      text += chunk;
      return Promise.resolve();
    },
    batchSize,
  );
  return { count, text, records: parseCsv(text) };
}

describeEachDatabase('audit trail: appending', (database) => {
  it('chains events from the genesis hash, each hashing the one before, and moves the head', async () => {
    await withFreshTrail(database, async (ctx) => {
      const written = await appendMany(ctx, 3);
      const stored = await allEvents(ctx);
      assert.deepEqual(stored, written);
      assert.deepEqual(
        stored.map((event) => event.seq),
        [1, 2, 3],
      );
      let prev = GENESIS_HASH;
      for (const event of stored) {
        assert.equal(event.prev_hash, prev);
        assert.equal(event.hash, hashEvent(event.prev_hash, event));
        prev = event.hash;
      }
      assert.deepEqual(await head(ctx), { last_seq: 3, last_hash: prev });
      assert.deepEqual(await verifyAuditTrail(ctx.db), {
        ok: true,
        count: 3,
        last: { seq: 3, hash: prev },
      });
    });
  });

  it('stores who, under which position, what, on what, when, the summary and the request id', async () => {
    await withFreshTrail(database, async (ctx) => {
      const event = await append(ctx, {
        action: 'organization.update',
        summary: { before: { name: 'Old' }, after: { name: 'New' } },
        requestId: 'req-42',
      });
      const [stored] = await allEvents(ctx);
      assert.deepEqual(stored, {
        seq: 1,
        id: event.id,
        occurred_at: '2026-03-01T09:00:01.000Z',
        actor_user_id: 'user-dg',
        actor_email: 'dg@cloud.gov.example',
        actor_organization_id: 'org-office',
        actor_position: 'DG Cloud',
        action: 'organization.update',
        outcome: 'success',
        target_type: 'organization',
        target_id: 'org-1',
        summary: '{"before":{"name":"Old"},"after":{"name":"New"}}',
        request_id: 'req-42',
        prev_hash: GENESIS_HASH,
        hash: event.hash,
      });
    });
  });

  it('commits with the change it describes, and a rollback leaves neither an event nor a gap', async () => {
    await withFreshTrail(database, async (ctx) => {
      await append(ctx);
      const failed = ctx.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'doomed', value: '1', updated_at: START })
          .execute();
        await recordAuditEvent(trx, eventInput({ action: 'setting.update' }), ctx.clock);
        throw new Error('the change fails after its audit event was written');
      });
      await assert.rejects(failed, /the change fails/);
      assert.equal((await allEvents(ctx)).length, 1);
      assert.equal((await head(ctx)).last_seq, 1);
      assert.equal(
        await ctx.db
          .selectFrom('settings')
          .select('key')
          .where('key', '=', 'doomed')
          .executeTakeFirst(),
        undefined,
      );

      const next = await append(ctx);
      assert.equal(next.seq, 2, 'the rolled-back seq is given out again');
      assert.equal((await verifyAuditTrail(ctx.db)).ok, true);
    });
  });

  it('refuses to write outside a transaction, and refuses an action that is not dotted lower case', async () => {
    await withFreshTrail(database, async (ctx) => {
      await assert.rejects(
        recordAuditEvent(ctx.db, eventInput(), ctx.clock),
        /must run inside the transaction/,
      );
      for (const action of ['Organization.Create', 'create', 'organization.', 'org..create']) {
        await assert.rejects(
          ctx.db
            .transaction()
            .execute((trx) => recordAuditEvent(trx, eventInput({ action }), ctx.clock)),
          /is not dotted lower case/,
          action,
        );
      }
      assert.equal((await allEvents(ctx)).length, 0);
      assert.deepEqual(await head(ctx), { last_seq: 0, last_hash: GENESIS_HASH });
    });
  });

  it('records denied attempts, anonymous ones and system actions with null actors', async () => {
    await withFreshTrail(database, async (ctx) => {
      const denied = await recordDeniedAttempt(
        ctx.db,
        {
          actor: null,
          action: 'auth.sign_in',
          target: null,
          summary: { reason: 'unknown e-mail' },
          requestId: null,
        },
        ctx.clock,
      );
      assert.equal(denied.outcome, 'denied');
      assert.equal(denied.actor_user_id, null);
      assert.equal(denied.actor_email, null);
      assert.equal(denied.target_type, null);
      assert.equal(denied.summary, '{"reason":"unknown e-mail"}');
      await ctx.db
        .transaction()
        .execute(async (trx) =>
          assert.rejects(
            recordDeniedAttempt(trx, { actor: null, action: 'auth.sign_in' }, ctx.clock),
            /outside any transaction/,
          ),
        );
      assert.equal((await verifyAuditTrail(ctx.db)).ok, true);
    });
  });

  it('cuts long values so that events stay short', async () => {
    await withFreshTrail(database, async (ctx) => {
      const event = await append(ctx, {
        actor: { ...officer, email: `${'x'.repeat(400)}@example.org` },
        summary: { after: { note: 'n'.repeat(5000) } },
        requestId: 'r'.repeat(1000),
      });
      assert.equal(event.actor_email?.length, 320);
      assert.equal(event.request_id?.length, 320);
      const summary = JSON.parse(event.summary) as { after: { note: string } };
      assert.equal(summary.after.note.length, 200);
      assert.equal((await verifyAuditTrail(ctx.db)).ok, true);
    });
  });

  it('keeps one linear chain, seq 1 to 20, when 20 transactions append at once', async () => {
    await withFreshTrail(database, async (ctx) => {
      let inFlight = 0;
      let mostInFlight = 0;
      const writers = Array.from({ length: 20 }, (_, i) =>
        ctx.db.transaction().execute(async (trx) => {
          // The change itself first, as a feature does; on PostgreSQL these overlap on the pool.
          await trx
            .insertInto('settings')
            .values({ key: `concurrent-${i}`, value: String(i), updated_at: START })
            .execute();
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          const event = await recordAuditEvent(
            trx,
            eventInput({ target: { type: 'setting', id: `concurrent-${i}` } }),
            ctx.clock,
          );
          inFlight -= 1;
          return event;
        }),
      );
      const written = await Promise.all(writers);
      if (database.dialect === 'postgres') {
        assert.ok(mostInFlight > 1, 'the transactions really ran at the same time');
      }
      assert.deepEqual(
        written.map((event) => event.seq).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      const stored = await allEvents(ctx);
      assert.equal(new Set(stored.map((event) => event.target_id)).size, 20);
      const verdict = await verifyAuditTrail(ctx.db);
      assert.ok(verdict.ok, JSON.stringify(verdict));
      assert.equal(verdict.count, 20);
      assert.deepEqual(await head(ctx), { last_seq: 20, last_hash: at(stored, 19).hash });
    });
  });
});

describeEachDatabase('audit trail: tampering is detected', (database) => {
  /** Five intact events, then `tamper`, then the verdict, read in batches of two. */
  async function verdictAfter(
    tamper: (ctx: AppContext, events: AuditEventRow[]) => Promise<unknown>,
  ) {
    let verdict: Awaited<ReturnType<typeof verifyAuditTrail>> | undefined;
    let events: AuditEventRow[] = [];
    await withFreshTrail(database, async (ctx) => {
      events = await appendMany(ctx, 5);
      assert.equal((await verifyAuditTrail(ctx.db, { batchSize: 2 })).ok, true);
      await tamper(ctx, events);
      verdict = await verifyAuditTrail(ctx.db, { batchSize: 2 });
    });
    assert.ok(verdict && !verdict.ok, 'the tampering is detected');
    return { problem: verdict.problem, events };
  }

  it('an edited summary: names that event as edited', async () => {
    const { problem, events } = await verdictAfter((ctx) =>
      ctx.db
        .updateTable('audit_events')
        .set({ summary: '{"after":{"name":"Someone else"}}' })
        .where('seq', '=', 3)
        .execute(),
    );
    assert.equal(problem.kind, 'edited');
    assert.equal(problem.seq, 3);
    assert.deepEqual(problem.event, {
      seq: 3,
      id: at(events, 2).id,
      action: 'organization.create',
      occurred_at: at(events, 2).occurred_at,
    });
  });

  it('an edited event with a recomputed hash: names the event after it', async () => {
    const { problem, events } = await verdictAfter(async (ctx, events) => {
      const second = { ...at(events, 1), outcome: 'denied' as const };
      await ctx.db
        .updateTable('audit_events')
        .set({ outcome: 'denied', hash: hashEvent(second.prev_hash, second) })
        .where('seq', '=', 2)
        .execute();
    });
    assert.equal(problem.kind, 'relinked');
    assert.equal(problem.seq, 3);
    assert.equal(problem.event?.id, at(events, 2).id);
  });

  it('a deleted middle event: names the event after the gap', async () => {
    const { problem, events } = await verdictAfter((ctx) =>
      ctx.db.deleteFrom('audit_events').where('seq', '=', 3).execute(),
    );
    assert.equal(problem.kind, 'missing');
    assert.equal(problem.seq, 4);
    assert.equal(problem.event?.id, at(events, 3).id);
    assert.match(problem.message, /event 3 is missing/);
  });

  it("two events' seqs swapped: names the first of them", async () => {
    const { problem, events } = await verdictAfter(async (ctx) => {
      await ctx.db.updateTable('audit_events').set({ seq: 1000 }).where('seq', '=', 2).execute();
      await ctx.db.updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 3).execute();
      await ctx.db.updateTable('audit_events').set({ seq: 3 }).where('seq', '=', 1000).execute();
    });
    assert.equal(problem.kind, 'relinked');
    assert.equal(problem.seq, 2);
    assert.equal(problem.event?.id, at(events, 2).id, 'the event now at seq 2 is the former third');
  });

  it('the newest event deleted: names its seq as missing', async () => {
    const { problem } = await verdictAfter((ctx) =>
      ctx.db.deleteFrom('audit_events').where('seq', '=', 5).execute(),
    );
    assert.equal(problem.kind, 'newest_missing');
    assert.equal(problem.seq, 5);
    assert.equal(problem.event, null);
    assert.match(problem.message, /event 5 is missing/);
  });

  it("the head's hash edited: names the newest event", async () => {
    const { problem, events } = await verdictAfter((ctx) =>
      ctx.db
        .updateTable('audit_head')
        .set({ last_hash: 'f'.repeat(64) })
        .execute(),
    );
    assert.equal(problem.kind, 'head_mismatch');
    assert.equal(problem.seq, 5);
    assert.equal(problem.event?.id, at(events, 4).id);
  });

  it('an event added behind the head: names it', async () => {
    const { problem } = await verdictAfter(async (ctx, events) => {
      const forged = {
        ...at(events, 4),
        seq: 6,
        id: 'forged',
        prev_hash: at(events, 4).hash,
      };
      await ctx.db
        .insertInto('audit_events')
        .values({ ...forged, hash: hashEvent(forged.prev_hash, forged) })
        .execute();
    });
    assert.equal(problem.kind, 'beyond_head');
    assert.equal(problem.seq, 6);
    assert.equal(problem.event?.id, 'forged');
  });
});

describeEachDatabase('audit trail: browsing', (database) => {
  const ministry = {
    userId: 'user-pse',
    email: 'admin@moitt.example',
    organizationId: 'org-pse',
    position: null,
  };
  /** Twelve events a minute apart from 09:01, by two organizations, of several kinds. */
  async function seed(ctx: AppContext, clock: ManualClock): Promise<AuditEventRow[]> {
    const plan: Partial<AuditEventInput>[] = [
      { action: 'organization.create', target: { type: 'organization', id: 'org-csp' } },
      { action: 'organization.update', target: { type: 'organization', id: 'org-csp' } },
      { action: 'organization_unit.create', target: { type: 'organization', id: 'org-csp' } },
      { action: 'user.invite', target: { type: 'user', id: 'user-a' } },
      { actor: ministry, action: 'system.register', target: { type: 'system', id: 'sys-1' } },
      { actor: ministry, action: 'system.update', target: { type: 'system', id: 'sys-1' } },
      {
        actor: ministry,
        action: 'access.denied',
        outcome: 'denied',
        target: { type: 'route', id: 'GET /x' },
      },
      { actor: null, action: 'auth.sign_in', outcome: 'denied', target: null },
      { action: 'user.disable', target: { type: 'user', id: 'user-a' } },
      { action: 'organization.update', target: { type: 'organization', id: 'org-other' } },
      { actor: ministry, action: 'system.update', target: { type: 'system', id: 'sys-2' } },
      { action: 'auth.sign_in' },
    ];
    const events: AuditEventRow[] = [];
    for (const overrides of plan) {
      clock.advance(60_000);
      events.push(
        await ctx.db
          .transaction()
          .execute((trx) => recordAuditEvent(trx, eventInput(overrides), clock)),
      );
    }
    return events;
  }

  async function seqs(ctx: AppContext, query: AuditListQuery): Promise<number[]> {
    const page = await listAuditEvents(ctx.db, query, { limit: 200 });
    assert.equal(page.nextCursor, null);
    return page.events.map((event) => event.seq);
  }

  it('lists newest first, in pages that stay put while events are appended', async () => {
    await withFreshTrail(database, async (ctx, clock) => {
      await seed(ctx, clock);
      const first = await listAuditEvents(ctx.db, {}, { limit: 5 });
      assert.deepEqual(
        first.events.map((event) => event.seq),
        [12, 11, 10, 9, 8],
      );
      assert.equal(first.nextCursor, '8');
      await append(ctx, { action: 'user.invite' });
      const second = await listAuditEvents(ctx.db, {}, { limit: 5, cursor: first.nextCursor });
      assert.deepEqual(
        second.events.map((event) => event.seq),
        [7, 6, 5, 4, 3],
      );
      const third = await listAuditEvents(ctx.db, {}, { limit: 5, cursor: second.nextCursor });
      assert.deepEqual(
        third.events.map((event) => event.seq),
        [2, 1],
      );
      assert.equal(third.nextCursor, null);
      const exact = await listAuditEvents(ctx.db, {}, { limit: 13 });
      assert.equal(exact.events.length, 13);
      assert.equal(exact.nextCursor, null, 'no empty last page');
      assert.equal((await listAuditEvents(ctx.db, {})).events.length, 13, 'default limit 50');
    });
  });

  it('presents events with their actor, target and parsed summary', async () => {
    await withFreshTrail(database, async (ctx, clock) => {
      const events = await seed(ctx, clock);
      const page = await listAuditEvents(ctx.db, { outcome: 'denied' });
      assert.deepEqual(page.events[0], {
        seq: 8,
        id: at(events, 7).id,
        occurredAt: '2026-03-01T09:08:00.000Z',
        actor: { userId: null, email: null, organizationId: null, position: null },
        action: 'auth.sign_in',
        outcome: 'denied',
        target: null,
        summary: { after: { name: 'Ministry of IT' } },
        requestId: 'req-1',
        prevHash: at(events, 6).hash,
        hash: at(events, 7).hash,
      });
    });
  });

  it('filters by time, actor, organization, action prefix, target and outcome', async () => {
    await withFreshTrail(database, async (ctx, clock) => {
      await seed(ctx, clock);
      assert.deepEqual(
        await seqs(ctx, { from: '2026-03-01T09:03:00Z', to: '2026-03-01T09:06:00Z' }),
        [5, 4, 3],
        'from is inclusive, to exclusive',
      );
      assert.deepEqual(await seqs(ctx, { from: '2026-03-01T14:10:00+05:00' }), [12, 11, 10]);
      assert.deepEqual(
        await seqs(ctx, { to: '2026-03-02' }),
        [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
      );
      assert.deepEqual(await seqs(ctx, { from: '2026-03-02' }), []);
      assert.deepEqual(await seqs(ctx, { actorUserId: 'user-pse' }), [11, 7, 6, 5]);
      assert.deepEqual(await seqs(ctx, { actorOrganizationId: 'org-pse' }), [11, 7, 6, 5]);
      assert.deepEqual(
        await seqs(ctx, { action: 'organization' }),
        [10, 2, 1],
        'a prefix matches whole dotted parts only',
      );
      assert.deepEqual(await seqs(ctx, { action: 'organization.' }), [10, 2, 1]);
      assert.deepEqual(await seqs(ctx, { action: 'organization.update' }), [10, 2]);
      assert.deepEqual(await seqs(ctx, { action: 'organization_unit' }), [3]);
      assert.deepEqual(await seqs(ctx, { action: 'organizatio' }), []);
      assert.deepEqual(await seqs(ctx, { targetType: 'user' }), [9, 4]);
      assert.deepEqual(await seqs(ctx, { targetType: 'system', targetId: 'sys-1' }), [6, 5]);
      assert.deepEqual(await seqs(ctx, { outcome: 'denied' }), [8, 7]);
      assert.deepEqual(
        await seqs(ctx, {
          actorOrganizationId: 'org-pse',
          action: 'system',
          from: '2026-03-01T09:06:00Z',
        }),
        [11, 6],
      );
    });
  });

  it('refuses a wrong filter, limit or cursor with a 400 that quotes it', async () => {
    await withFreshTrail(database, async (ctx) => {
      const refused = async (
        query: AuditListQuery,
        page: { limit?: number; cursor?: string },
        pattern: RegExp,
      ): Promise<void> => {
        await assert.rejects(listAuditEvents(ctx.db, query, page), (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.equal(error.status, 400);
          assert.equal(error.code, 'invalid_audit_filter');
          assert.match(error.message, pattern);
          return true;
        });
      };
      await refused({ from: 'yesterday' }, {}, /from="yesterday" is not a time/);
      await refused({ to: '2026-03-01T09:00' }, {}, /to="2026-03-01T09:00" is not a time/);
      await refused({ from: '2026-02-30' }, {}, /is not a time/);
      await refused({ to: '2026-02-31T10:00:00Z' }, {}, /is not a time/);
      await refused({ to: '2026-03-01T25:00Z' }, {}, /is not a time/);
      await refused({ from: '2026-03-02', to: '2026-03-01' }, {}, /is not after from/);
      await refused({ action: 'Organization%' }, {}, /action="Organization%"/);
      await refused({ outcome: 'maybe' }, {}, /outcome="maybe" is not success or denied/);
      await refused({}, { limit: 0 }, /limit=0 is not a whole number from 1 to 200/);
      await refused({}, { limit: 201 }, /limit=201/);
      await refused({}, { cursor: 'abc' }, /cursor="abc"/);
    });
  });
});

describeEachDatabase('audit trail: CSV export', (database) => {
  it('writes every column, oldest first, quoted as RFC 4180 says and safe from formulas', async () => {
    await withFreshTrail(database, async (ctx) => {
      await append(ctx);
      const awkward = await append(ctx, {
        actor: {
          ...officer,
          email: '=HYPERLINK("http://evil.example","click")',
          position: '-acting',
        },
        target: { type: 'organization', id: '+92 51 1234567' },
        summary: { reason: 'said "no", then\r\nleft' },
        requestId: '@request',
      });
      const { count, text, records } = await exportCsv(ctx);
      assert.equal(count, 2);
      assert.ok(text.startsWith(`${AUDIT_CSV_COLUMNS.join(',')}\r\n`));
      assert.equal(records.length, 3);
      assert.deepEqual(at(records, 0), [...AUDIT_CSV_COLUMNS]);
      const row = Object.fromEntries(
        AUDIT_CSV_COLUMNS.map((column, i) => [column, at(at(records, 2), i)]),
      );
      assert.equal(row.seq, '2');
      assert.equal(row.id, awkward.id);
      assert.equal(row.actor_email, `'=HYPERLINK("http://evil.example","click")`);
      assert.equal(row.actor_position, "'-acting");
      assert.equal(row.target_id, "'+92 51 1234567");
      assert.equal(row.request_id, "'@request");
      assert.equal(row.summary, awkward.summary, 'quotes, commas and line breaks survive');
      assert.deepEqual(JSON.parse(row.summary) as unknown, {
        reason: 'said "no", then\r\nleft',
      });
      assert.equal(row.hash, awkward.hash);
      assert.equal(row.outcome, 'success');
      assert.ok(
        text.includes('"\'=HYPERLINK(""http://evil.example"",""click"")"'),
        'the guarded cell is quoted, its quotes doubled',
      );
    });
  });

  it('exports only the events in the time window, across batches', async () => {
    await withFreshTrail(database, async (ctx) => {
      await appendMany(ctx, 7);
      const all = await exportCsv(ctx, {}, 2);
      assert.equal(all.count, 7);
      assert.deepEqual(
        all.records.slice(1).map((record) => record[0]),
        ['1', '2', '3', '4', '5', '6', '7'],
      );
      const window = await exportCsv(
        ctx,
        { from: '2026-03-01T09:00:03Z', to: '2026-03-01T09:00:06Z' },
        2,
      );
      assert.deepEqual(
        window.records.slice(1).map((record) => record[0]),
        ['3', '4', '5'],
      );
      const none = await exportCsv(ctx, { from: '2027-01-01' });
      assert.equal(none.count, 0);
      assert.equal(none.text, `${AUDIT_CSV_COLUMNS.join(',')}\r\n`);
    });
  });
});

describeEachDatabase('cloud-office audit', (database) => {
  /** A context on the database a `cloud-office` process with `env` uses. */
  async function contextFor(env: Record<string, string>): Promise<AppContext> {
    return openContext(database, loadConfig(env).database);
  }

  it('verify reports an intact trail with its length and last hash, and exits 0', async () => {
    const env = await database.anotherEnv();
    const empty = await runCloudOffice(['audit', 'verify'], env);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout.trim(), `Audit trail intact: 0 events, last hash ${GENESIS_HASH}`);

    const ctx = await contextFor(env);
    try {
      const events = await appendMany(ctx, 3);
      const run = await runCloudOffice(['audit', 'verify'], env);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.stdout.trim(),
        `Audit trail intact: 3 events, last hash ${at(events, 2).hash}`,
      );
    } finally {
      await ctx.close();
    }
  });

  it('verify names the first bad event after tampering, and exits 1', async () => {
    const env = await database.anotherEnv();
    const ctx = await contextFor(env);
    try {
      const events = await appendMany(ctx, 4);
      await ctx.db
        .updateTable('audit_events')
        .set({ actor_email: 'someone-else@example.org' })
        .where('seq', '=', 2)
        .execute();
      const run = await runCloudOffice(['audit', 'verify'], env);
      assert.equal(run.code, 1);
      assert.equal(run.stdout, '');
      const second = at(events, 1);
      assert.equal(
        run.stderr.trim(),
        `Error: Audit trail broken at event 2 (id ${second.id}, organization.create at ${second.occurred_at}): ` +
          'its hash does not match its contents: the event was edited after it was written.',
      );

      await ctx.db.deleteFrom('audit_events').where('seq', '>=', 2).execute();
      const truncated = await runCloudOffice(['audit', 'verify'], env);
      assert.equal(truncated.code, 1);
      assert.match(
        truncated.stderr,
        /^Error: Audit trail broken at event 2: events 2 to 4 are missing/,
      );
    } finally {
      await ctx.close();
    }
  });

  it('export writes CSV to standard output, or to a file, filtered by time', async () => {
    const env = await database.anotherEnv();
    const ctx = await contextFor(env);
    try {
      await appendMany(ctx, 3);
    } finally {
      await ctx.close();
    }
    const run = await runCloudOffice(['audit', 'export'], env);
    assert.equal(run.code, 0, run.stderr);
    const records = parseCsv(run.stdout);
    assert.deepEqual(at(records, 0), [...AUDIT_CSV_COLUMNS]);
    assert.deepEqual(
      records.slice(1).map((record) => record[0]),
      ['1', '2', '3'],
    );

    const out = path.join(database.dataDir, `export-${database.dialect}.csv`);
    const toFile = await runCloudOffice(
      [
        'audit',
        'export',
        '--out',
        out,
        '--from',
        '2026-03-01T09:00:02Z',
        '--to',
        '2026-03-01T09:00:03Z',
      ],
      env,
    );
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(toFile.stdout.trim(), `Exported 1 audit events to ${out}`);
    const written = parseCsv(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(
      written.slice(1).map((record) => record[0]),
      ['2'],
    );
    assert.deepEqual(
      fs.readdirSync(database.dataDir).filter((name) => name.endsWith('.partial')),
      [],
      'no partial file is left behind',
    );
  });

  it('export refuses a wrong time as wrong usage, exit 2, before touching the database', async () => {
    const run = await runCloudOffice(['audit', 'export', '--from', 'last week'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      SECRET_KEY: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /from="last week" is not a time/);
  });
});
