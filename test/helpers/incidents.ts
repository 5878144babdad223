import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { seedDefaultPolicy } from '../../src/features/placement/seed.js';
import type { TestApp } from './app.js';
import { appoint, buildUser, setUpOffice, signInAs, type Client } from './factories.js';

/**
 * Records of issue 7 stored directly, for tests that need one to exist (the access walk); the
 * features' own tests make theirs through the API, with the set-up and look-ups at the end.
 */

/** A data-breach report of `organizationId`, as reported just now; its id. */
export async function buildIncident(ctx: AppContext, organizationId: string): Promise<string> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('incidents')
    .values({
      id,
      organization_id: organizationId,
      status: 'reported',
      severity: 'medium',
      severity_reason: 'A test incident',
      title: 'A test incident',
      description: 'Something happened.',
      discovered_at: at,
      reported_at: at,
      reported_by_user_id: null,
      system_ids: '[]',
      offering_ids: '[]',
      data_classes: '[]',
      personal_data: 0,
      records_affected: null,
      people_affected: null,
      contact: JSON.stringify({ name: 'Test Contact', email: 'contact@example.test', phone: null }),
      document_ids: '[]',
      policy_version: 1,
      notice_due_at: at,
      reporting_delay_seconds: 0,
      late: 0,
      last_update_at: at,
      final_report_at: null,
      owner_user_id: null,
      closed_at: null,
      revision: 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/** An open incident-report request to `organizationId`, due in a week unless `dueAt`; its id. */
export async function buildReportRequest(
  ctx: AppContext,
  organizationId: string,
  options: { dueAt?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const now = ctx.clock.now();
  const at = now.toISOString();
  await ctx.db
    .insertInto('report_requests')
    .values({
      id,
      organization_id: organizationId,
      incident_id: null,
      status: 'open',
      subject: 'A test concern',
      questions: JSON.stringify(['What happened?']),
      due_at: options.dueAt ?? new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      requested_by_user_id: null,
      requested_by_position: null,
      requested_at: at,
      answer: null,
      answered_at: null,
      answered_by_user_id: null,
      escalation_step: 0,
      escalated_at: null,
      closed_note: null,
      revision: 1,
      updated_at: at,
    })
    .execute();
  return id;
}

/** A response action ordered of `organizationId`, due in a week; its id. */
export async function buildResponseAction(
  ctx: AppContext,
  organizationId: string,
): Promise<string> {
  const id = randomUUID();
  const now = ctx.clock.now();
  const at = now.toISOString();
  await ctx.db
    .insertInto('response_actions')
    .values({
      id,
      organization_id: organizationId,
      incident_id: null,
      breach_id: null,
      kind: 'contain',
      description: 'Contain the test incident',
      offering_id: null,
      owner_user_id: null,
      due_at: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
      status: 'ordered',
      ordered_by_user_id: null,
      ordered_by_position: null,
      ordered_at: at,
      done_at: null,
      verified_at: null,
      verified_by_user_id: null,
      verification_note: null,
      closed_at: null,
      revision: 1,
      updated_at: at,
    })
    .execute();
  return id;
}

/** A breach of duty recorded by hand against `organizationId`; its id. */
export async function buildBreach(ctx: AppContext, organizationId: string): Promise<string> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('breaches')
    .values({
      id,
      detection_key: null,
      source: 'manual',
      organization_id: organizationId,
      duty_code: 'protect-data',
      clause: 'A test clause',
      subject_kind: null,
      subject_id: null,
      evidence: 'A test breach',
      detected_at: at,
      policy_version: 1,
      severity: 'medium',
      status: 'open',
      owner_user_id: null,
      resolution: null,
      resolved_at: null,
      incident_id: null,
      recorded_by_user_id: null,
      revision: 1,
      updated_at: at,
    })
    .execute();
  return id;
}

/** A webhook subscription (the Cloud Office's own, whatever organization is named); its id. */
export async function buildWebhookSubscription(ctx: AppContext): Promise<string> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .insertInto('webhook_subscriptions')
    .values({
      id,
      name: 'A test receiver',
      url: 'http://127.0.0.1:9/hook',
      secret: ctx.secretBox.seal('whsec_dGVzdC1zZWNyZXQtdGVzdC1zZWNyZXQ=', `webhook:${id}`),
      event_types: '[]',
      active: 0,
      created_by_user_id: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/** An officer of the Cloud Office appointed to `post` since `since`, signed in. */
export async function signedInOfficer(
  t: TestApp,
  officeId: string,
  post: string,
  since = '2026-01-01',
): Promise<{ client: Client; id: string; email: string }> {
  const user = await buildUser(t.ctx, officeId, 'officer');
  await appoint(t.ctx, user.id, post, since);
  return { client: await signInAs(t.app, user.email), id: user.id, email: user.email };
}

/** The number of rows in `table`. */
export async function countRows(ctx: AppContext, table: keyof Database): Promise<number> {
  const row = await ctx.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The e-mails queued in the outbox for `to`, oldest first. */
export async function emailsTo(
  ctx: AppContext,
  to: string,
): Promise<{ to: string; subject: string; text: string }[]> {
  return (await ctx.db.selectFrom('outbox').select(['kind', 'payload']).execute())
    .filter((row) => row.kind === 'email')
    .map((row) => JSON.parse(row.payload) as { to: string; subject: string; text: string })
    .filter((mail) => mail.to === to);
}

/** An incident's timeline: each entry's type and data, in order. */
export async function timelineOf(
  ctx: AppContext,
  incidentId: string,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  return (
    await ctx.db
      .selectFrom('incident_events')
      .select(['type', 'data'])
      .where('incident_id', '=', incidentId)
      .orderBy('seq')
      .execute()
  ).map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }));
}

/**
 * A database for a test of the real command: migrated, with the default policy and the office set
 * up; `seed` adds the rest before the context closes.
 */
export async function seedShellDatabase(
  env: Record<string, string>,
  seed: (ctx: AppContext) => Promise<void>,
): Promise<void> {
  const ctx = await AppContext.create(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  try {
    await migrateToLatest(ctx.db);
    await seedDefaultPolicy(ctx);
    await setUpOffice(ctx);
    await seed(ctx);
  } finally {
    await ctx.close();
  }
}
