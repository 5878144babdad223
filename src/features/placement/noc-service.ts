import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { claimNotice } from '../../db/notices.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database, DeploymentModel } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { holdersOf, organizationEmails } from '../accreditation/recipients.js';
import { SYSTEM } from '../accreditation/workflow.js';
import { recordAuditEvent } from '../audit/service.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import { dayOf, type Power } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import type { Deviation } from './model.js';
import * as repo from './noc-repo.js';
import {
  allowedNocActions,
  NOC_ACTION_PHRASES,
  nocNotice,
  nocTransition,
  requestNoc,
  REQUEST_RULE,
  type NocAction,
  type NocActionType,
  type NocEvent,
  type NocRecord,
  type NocRefusal,
  type NocRequestTerms,
  type NocStatus,
  type PolicyFacts,
  type Recommendation,
} from './noc-workflow.js';
import { currentPolicy } from './policy-service.js';
import { findSystem, offeringExists } from './systems-repo.js';
import { reevaluateSystems, type ReevaluationBy } from './decisions-service.js';

/**
 * NOC exemptions (issue 6, item 5): the service applies the pure workflow (noc-workflow.ts) with a
 * revision check, as the accreditation service does. Every step reads the record, runs the state
 * machine, writes the record only if nobody changed it meanwhile (of two officers acting at once,
 * exactly one succeeds; the other gets 409), appends the history event with who acted under which
 * post, queues the e-mail, re-evaluates the system's placement when a NOC comes into or goes out of
 * force, and records the audit event, all in one transaction. A refusal stores nothing; a refusal
 * of authority (403) is audited by the access hook.
 */

/** The actions people take through the API; `expire` is the system's alone. */
export const NOC_PERSON_ACTIONS = [
  'review',
  'resubmit',
  'grant',
  'refuse',
  'withdraw',
  'revoke',
] as const satisfies readonly NocActionType[];
export type NocPersonAction = (typeof NOC_PERSON_ACTIONS)[number];

/** A request as the API takes it. */
export interface NocRequestInput {
  deviations: Deviation[];
  deploymentModels?: DeploymentModel[];
  offeringId?: string;
  facility?: string;
  reason: string;
  from: string;
  until: string;
}

/** What a person sends with a step; each step reads its own fields. */
export interface NocActionInput {
  recommendation?: Recommendation | 'return';
  reasons?: string[];
  reason?: string;
  validFrom?: string;
  validUntil?: string;
  notes?: string;
  deviations?: Deviation[];
  deploymentModels?: DeploymentModel[];
  offeringId?: string | null;
  facility?: string | null;
  from?: string;
  until?: string;
}

const REQUIRED_FIELDS: Partial<Record<NocPersonAction, readonly (keyof NocActionInput)[]>> = {
  review: ['recommendation'],
  refuse: ['reasons'],
  withdraw: ['reason'],
  revoke: ['reason'],
};

/**
 * The re-evaluation triggers this feature sends to placement: a NOC granted (or its first day
 * come), revoked, or expired.
 */
export type NocTrigger = 'noc_granted' | 'noc_revoked' | 'noc_expired';

/**
 * Re-decides the system's placement inside the step's transaction, so that a NOC coming into or
 * going out of force changes the stored decision (and the out-of-policy flag) with the step.
 */
async function reevaluate(
  ctx: AppContext,
  trx: Kysely<Database>,
  systemId: string,
  trigger: NocTrigger,
  by: ReevaluationBy,
): Promise<void> {
  await reevaluateSystems(ctx, trx, [systemId], trigger, by);
}

/** What each workflow refusal is over HTTP: the state (409), authority (403), the input (422). */
function refusal(result: NocRefusal): AppError {
  if (result.code === 'transition_not_allowed') {
    return new AppError(409, result.code, result.message);
  }
  if (result.code === 'not_permitted') return new AppError(403, result.code, result.message);
  const issues: ProblemIssue[] = (result.problems ?? []).map((p) => ({
    in: 'body',
    pointer: p.pointer,
    message: p.message,
  }));
  return new AppError(422, result.code, result.message, issues);
}

function changedMeanwhile(): AppError {
  return AppError.conflict(
    'noc_changed',
    'Someone else acted on this NOC at the same moment; reload it and try again.',
  );
}

function powerOf(rule: { kind: string; power?: Power }): Power | undefined {
  return rule.kind === 'power' ? rule.power : undefined;
}

async function load(db: Kysely<Database>, id: string): Promise<repo.NocRow> {
  const row = await repo.findNoc(db, id);
  if (!row) throw AppError.notFound(`There is no NOC ${JSON.stringify(id)}.`);
  return row;
}

/** The policy in force with the system's class now; 409 when the system has no class. */
async function policyFacts(
  db: Kysely<Database>,
  system: { name: string; class_code: string | null },
): Promise<PolicyFacts> {
  if (system.class_code === null) {
    throw AppError.conflict(
      'not_classified',
      `The system "${system.name}" has not been classified yet; answer the classification questionnaire before asking for a NOC.`,
    );
  }
  const policy = await currentPolicy(db);
  return { pack: policy.pack, version: policy.row.version, classCode: system.class_code };
}

/** An offering named by a request must exist (a NOC for one that does not is meaningless). */
async function checkOffering(db: Kysely<Database>, offeringId: string | null): Promise<void> {
  if (offeringId === null || (await offeringExists(db, offeringId))) return;
  throw new AppError(
    422,
    'input_invalid',
    `There is no offering ${JSON.stringify(offeringId)}; name one from the register, or none.`,
    [{ in: 'body', pointer: '/offeringId', message: 'must be the id of an offering' }],
  );
}

async function appendEvent(
  trx: Kysely<Database>,
  event: NocEvent,
  actor: Actor | null,
  power: Power | undefined,
): Promise<void> {
  await repo.insertNocEvent(trx, {
    id: randomUUID(),
    noc_id: event.nocId,
    type: event.type,
    event: JSON.stringify(event),
    actor_user_id: actor?.userId ?? null,
    actor_position: positionFor(actor, power),
    at: event.at,
  });
}

/** Queues the step's e-mail in its transaction (the outbox sends it after commit). */
async function notify(ctx: AppContext, trx: Kysely<Database>, event: NocEvent): Promise<void> {
  const notice = nocNotice(event, await repo.systemName(trx, event.systemId));
  if (!notice) return;
  const recipients =
    notice.audience.kind === 'pse_admins'
      ? await organizationEmails(trx, event.organizationId, ['pse_admin'])
      : await holdersOf(trx, notice.audience.power, dayOf(new Date(event.at)));
  for (const to of recipients) {
    await enqueueEmail(
      trx,
      { to, subject: `Cloud Office: ${notice.subject}`, text: notice.text },
      ctx.clock,
    );
  }
}

/** The notice key that says a NOC's coming into force has been applied to placement. */
export function inForceKey(record: Pick<NocRecord, 'id' | 'grant'>): string {
  return `noc_in_force:${record.id}:${record.grant?.validFrom ?? ''}`;
}

/** Claims a notice key in `trx`; true when this call claimed it. */
function claim(ctx: AppContext, trx: Kysely<Database>, key: string): Promise<boolean> {
  return claimNotice(trx, key, ctx.clock.now().toISOString());
}

/**
 * A PSE asks for a NOC for one of its systems. Checked against the policy in force and the
 * system's class: a class whose rule allows no NOC, a deviation or model it does not allow, a
 * period longer than it allows (naming the last day allowed) or starting in the past are refused
 * with every reason (422, pointers into the body) and nothing is stored.
 */
export async function request(
  ctx: AppContext,
  actor: Actor,
  systemId: string,
  input: NocRequestInput,
  context: RequestContext,
): Promise<repo.NocRow> {
  const system = await findSystem(ctx.db, systemId);
  if (!system) throw AppError.notFound(`There is no pse system ${JSON.stringify(systemId)}.`);
  const terms: NocRequestTerms = {
    covers: [...new Set(input.deviations)],
    deploymentModels: [...new Set(input.deploymentModels ?? [])],
    offeringId: input.offeringId ?? null,
    facility: input.facility?.trim() || null,
    reason: input.reason,
    from: input.from,
    until: input.until,
  };
  if (system.status === 'archived') {
    throw AppError.conflict(
      'system_archived',
      `The system "${system.name}" is archived; an archived system needs no NOC.`,
    );
  }
  const now = ctx.clock.now();
  const facts = await policyFacts(ctx.db, system);
  const opened = requestNoc(
    { id: randomUUID(), systemId, organizationId: system.organization_id, terms, policy: facts },
    actor,
    now,
  );
  if (!opened.ok) throw refusal(opened);
  await checkOffering(ctx.db, terms.offeringId);
  const record = opened.record;
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertNoc(trx, record, { at: now.toISOString(), userId: actor.userId });
    await appendEvent(trx, opened.event, actor, powerOf(REQUEST_RULE));
    await notify(ctx, trx, opened.event);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'noc.request',
        outcome: 'success',
        target: { type: 'noc', id: record.id },
        summary: {
          after: {
            status: record.status,
            systemId,
            classCode: record.classCode,
            policyVersion: record.policyVersion,
            deviations: record.terms.covers,
            deploymentModels: record.terms.deploymentModels,
            from: record.terms.from,
            until: record.terms.until,
          },
        },
        requestId: context.requestId,
      },
      ctx.clock,
    );
  });
  return load(ctx.db, record.id);
}

export interface NocListFilter {
  status?: NocStatus;
  systemId?: string;
}

/** Officers see every NOC; a PSE its own. Newest first. */
export async function list(
  ctx: AppContext,
  actor: Actor,
  filter: NocListFilter,
  page: { limit: number; offset: number },
): Promise<{ items: repo.NocListRow[]; total: number }> {
  const scope = isOfficeStaff(actor) ? {} : { organizationId: actor.organizationId };
  return repo.listNocs(ctx.db, { ...filter, ...scope }, page);
}

export interface NocHistoryEntry {
  seq: number;
  type: string;
  at: string;
  actorUserId: string | null;
  actorPosition: string | null;
  event: NocEvent;
}

export interface NocView {
  row: repo.NocListRow;
  record: NocRecord;
  allowedActions: NocActionType[];
  history: NocHistoryEntry[];
}

/** One NOC, with what the caller may do next and its history. */
export async function get(ctx: AppContext, actor: Actor, id: string): Promise<NocView> {
  const row = await repo.findNocWithNames(ctx.db, id);
  if (!row) throw AppError.notFound(`There is no NOC ${JSON.stringify(id)}.`);
  const record = repo.nocRecordOf(row);
  const events = await repo.listNocEvents(ctx.db, id);
  return {
    row,
    record,
    allowedActions: allowedNocActions(record, actor),
    history: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at,
      actorUserId: e.actor_user_id,
      actorPosition: e.actor_position,
      event: JSON.parse(e.event) as NocEvent,
    })),
  };
}

function checkRequired(type: NocPersonAction, input: NocActionInput): void {
  const missing = (REQUIRED_FIELDS[type] ?? []).filter((field) => input[field] === undefined);
  if (missing.length > 0) {
    throw new AppError(
      422,
      'input_invalid',
      `To ${NOC_ACTION_PHRASES[type]}, send ${missing.map((m) => `"${m}"`).join(' and ')}.`,
      missing.map((field) => ({ in: 'body', pointer: `/${field}`, message: 'is required' })),
    );
  }
}

/** Builds the workflow action; the service supplies what the caller does not (the policy now). */
async function actionFor(
  db: Kysely<Database>,
  record: NocRecord,
  type: NocPersonAction,
  input: NocActionInput,
): Promise<NocAction> {
  checkRequired(type, input);
  const facts = async () => {
    const system = await findSystem(db, record.systemId);
    return policyFacts(db, {
      name: system?.name ?? record.systemId,
      class_code: system?.class_code ?? record.classCode,
    });
  };
  switch (type) {
    case 'review':
      return {
        type,
        recommendation: input.recommendation ?? 'grant',
        reasons: input.reasons ?? (input.notes === undefined ? [] : [input.notes]),
      };
    case 'resubmit': {
      const asked = record.terms;
      const terms: NocRequestTerms = {
        covers: input.deviations ? [...new Set(input.deviations)] : asked.covers,
        deploymentModels: input.deploymentModels
          ? [...new Set(input.deploymentModels)]
          : asked.deploymentModels,
        offeringId: input.offeringId === undefined ? asked.offeringId : input.offeringId,
        facility: input.facility === undefined ? asked.facility : input.facility?.trim() || null,
        reason: input.reason ?? asked.reason,
        from: input.from ?? asked.from,
        until: input.until ?? asked.until,
      };
      await checkOffering(db, terms.offeringId);
      return { type, terms, policy: await facts() };
    }
    case 'grant':
      return {
        type,
        validFrom: input.validFrom ?? null,
        validUntil: input.validUntil ?? null,
        notes: input.notes ?? null,
        policy: await facts(),
      };
    case 'refuse':
      return { type, reasons: input.reasons ?? [] };
    case 'withdraw':
    case 'revoke':
      return { type, reason: input.reason ?? '' };
  }
}

type Taker = { person: Actor } | { system: true };

/**
 * One step inside `trx`: read, transition, compare-and-set, history, e-mail, placement, audit.
 * Returns the next record.
 */
async function applyStep(
  ctx: AppContext,
  trx: Kysely<Database>,
  taker: Taker,
  id: string,
  build: (record: NocRecord) => Promise<NocAction>,
  context: RequestContext,
  auditInput: object = {},
): Promise<NocRecord> {
  const row = await load(trx, id);
  const record = repo.nocRecordOf(row);
  const action = await build(record);
  const actor = 'person' in taker ? taker.person : null;
  const now = ctx.clock.now();
  const result = nocTransition(record, action, actor ?? SYSTEM, now);
  if (!result.ok) throw refusal(result);
  const power = powerOf(result.row.by);
  const at = now.toISOString();
  if (
    !(await repo.updateNoc(trx, result.next, row.revision, { at, userId: actor?.userId ?? null }))
  )
    throw changedMeanwhile();
  await appendEvent(trx, result.event, actor, power);
  await notify(ctx, trx, result.event);
  const today = dayOf(now);
  const by: ReevaluationBy = {
    actor: actor ? auditActor(actor, power) : null,
    requestId: context.requestId,
  };
  if (action.type === 'grant' && result.next.grant && result.next.grant.validFrom <= today) {
    // In force from today: placement changes now; a NOC starting later is applied by the job.
    await claim(ctx, trx, inForceKey(result.next));
    await reevaluate(ctx, trx, record.systemId, 'noc_granted', by);
  }
  if (action.type === 'revoke') await reevaluate(ctx, trx, record.systemId, 'noc_revoked', by);
  if (action.type === 'expire') await reevaluate(ctx, trx, record.systemId, 'noc_expired', by);
  await recordAuditEvent(
    trx,
    {
      actor: actor ? auditActor(actor, power) : {},
      action: `noc.${action.type}`,
      outcome: 'success',
      target: { type: 'noc', id },
      summary: {
        before: { status: record.status },
        after: {
          status: result.next.status,
          ...(result.next.grant && action.type === 'grant'
            ? {
                validFrom: result.next.grant.validFrom,
                validUntil: result.next.grant.validUntil,
              }
            : {}),
          ...auditInput,
        },
      },
      requestId: context.requestId,
    },
    ctx.clock,
  );
  return result.next;
}

async function inTransaction<T>(ctx: AppContext, work: (trx: Kysely<Database>) => Promise<T>) {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    // Two steps at once writing the same history position: one wins.
    if (isUniqueViolation(error)) throw changedMeanwhile();
    throw error;
  }
}

/** A person takes a workflow step. */
export async function act(
  ctx: AppContext,
  actor: Actor,
  id: string,
  type: NocPersonAction,
  input: NocActionInput,
  context: RequestContext,
): Promise<repo.NocRow> {
  await inTransaction(ctx, (trx) =>
    applyStep(
      ctx,
      trx,
      { person: actor },
      id,
      (record) => actionFor(trx, record, type, input),
      context,
      input,
    ),
  );
  return load(ctx.db, id);
}

/** The system expires a NOC the day after its last day; the same step, with nobody signed in. */
export function expireNoc(ctx: AppContext, id: string): Promise<NocRecord> {
  return inTransaction(ctx, (trx) =>
    applyStep(ctx, trx, { system: true }, id, () => Promise.resolve({ type: 'expire' }), {
      actor: null,
      requestId: null,
    }),
  );
}

/**
 * Applies a granted NOC's first day to placement, once: the claim of its notice key and the
 * re-evaluation commit together, so several runners (or instances) apply it once. True when this
 * call applied it.
 */
export function applyNocStart(ctx: AppContext, record: NocRecord): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await claim(ctx, trx, inForceKey(record)))) return false;
    await reevaluate(ctx, trx, record.systemId, 'noc_granted', { actor: null, requestId: null });
    return true;
  });
}
