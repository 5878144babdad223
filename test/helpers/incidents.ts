import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';

/**
 * Records of issue 7 stored directly, for tests that need one to exist (the access walk); the
 * features' own tests make theirs through the API.
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

/** An open incident-report request to `organizationId`, due in a week; its id. */
export async function buildReportRequest(ctx: AppContext, organizationId: string): Promise<string> {
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
      due_at: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
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
