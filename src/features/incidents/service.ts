import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, IncidentSeverity, IncidentStatus } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { holdersOf } from '../accreditation/recipients.js';
import { recordAuditEvent } from '../audit/service.js';
import { openBreaches } from '../duties/breaches-service.js';
import { checkDuties, type DutyFacts } from '../duties/check.js';
import { reportingDeadlines } from '../duties/deadlines.js';
import { DEFAULT_OBLIGATIONS } from '../duties/default-obligations.js';
import { levelNoticeFor, levelNoticeInWords } from '../duties/level-notice.js';
import { obligationsOfVersion } from '../duties/in-force.js';
import type { ReportingParameters } from '../duties/model.js';
import {
  auditActor,
  isOfficeStaff,
  positionFor,
  type Actor,
  type RequestContext,
} from '../identity/actor.js';
import { emitEvent } from '../notifications/events.js';
import { dayOf } from '../office/positions.js';
import { enqueueEmail } from '../outbox/service.js';
import { policyInForce } from '../placement/policy-service.js';
import {
  allowedActions,
  transitionAllowed,
  transitionRefusal,
  type TransitionTarget,
} from './lifecycle.js';
import {
  incidentCsvHeader,
  incidentCsvRecord,
  presentIncidentDetail,
  presentIncidentSummary,
  type IncidentDetail,
  type IncidentSummary,
} from './presenter.js';
import * as repo from './repo.js';
import { severityOf } from './severity.js';
import { checkDocuments } from './steps.js';
import { appendTimeline, startTimeline, type TimelineEntry } from './timeline.js';

/**
 * Data-breach reports and the incident lifecycle (issue 7, items 3 and 6). Every change is one
 * transaction: the incident row, its timeline entry, the webhook event, any e-mail, and the audit
 * event last. A refusal stores nothing; a refusal of authority (403) is audited by the access hook.
 */

const MANAGE = 'manage_incidents' as const;

export interface IncidentReportInput {
  title: string;
  description: string;
  discoveredAt: string;
  systemIds?: string[];
  offeringIds?: string[];
  dataClasses?: string[];
  personalData: boolean;
  recordsAffected?: number | null;
  peopleAffected?: number | null;
  contact: { name: string; email: string; phone?: string | null };
  documentIds?: string[];
}

export interface IncidentUpdateInput {
  text: string;
  final?: boolean;
  recordsAffected?: number | null;
  peopleAffected?: number | null;
  documentIds?: string[];
}

export interface IncidentTransitionInput {
  to: TransitionTarget;
  note?: string;
  severity?: IncidentSeverity;
  ownerUserId?: string;
  revision: number;
}

export interface IncidentPatchInput {
  severity?: IncidentSeverity;
  severityReason?: string;
  ownerUserId?: string | null;
  revision: number;
}

export interface IncidentListQuery extends repo.IncidentFilter {
  sort?: repo.IncidentSort;
  limit?: number;
  offset?: number;
}

export interface IncidentPage {
  items: IncidentSummary[];
  total: number;
  limit: number;
  offset: number;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The reporting parameters of each policy version named, so each incident is held to its own. */
async function reportingOf(
  db: Kysely<Database>,
  versions: readonly number[],
): Promise<(version: number) => ReportingParameters> {
  const unique = [...new Set(versions)];
  const sets = await Promise.all(unique.map((v) => obligationsOfVersion(db, v)));
  const byVersion = new Map(unique.map((v, i) => [v, sets[i]?.reporting]));
  return (version) => byVersion.get(version) ?? DEFAULT_OBLIGATIONS.reporting;
}

function notFound(id: string): AppError {
  return AppError.notFound(`There is no incident ${JSON.stringify(id)}.`);
}

/** The incident if the actor may see it: the Cloud Office sees all, others their own. */
async function visible(
  db: Kysely<Database>,
  actor: Actor,
  id: string,
): Promise<repo.IncidentListRow> {
  const row = await repo.findIncidentWithNames(db, id);
  if (!row || (!isOfficeStaff(actor) && row.organization_id !== actor.organizationId))
    throw notFound(id);
  return row;
}

/** One incident with its timeline, requests, actions, breaches and what the caller may do. */
export async function getIncident(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<IncidentDetail> {
  const row = await visible(ctx.db, actor, id);
  const [reporting, systems, offerings, documents, timeline, requests, actions, breaches] =
    await Promise.all([
      reportingOf(ctx.db, [row.policy_version]),
      repo.systemsNamed(ctx.db, JSON.parse(row.system_ids) as string[]),
      repo.offeringsNamed(ctx.db, JSON.parse(row.offering_ids) as string[]),
      repo.documentsNamed(ctx.db, JSON.parse(row.document_ids) as string[]),
      repo.timelineOf(ctx.db, id),
      repo.requestsOf(ctx.db, id),
      repo.actionsOf(ctx.db, id),
      repo.breachesOf(ctx.db, id),
    ]);
  const byOrder = <T extends { id: string }>(ids: string, rows: T[]): T[] => {
    const found = new Map(rows.map((r) => [r.id, r]));
    return (JSON.parse(ids) as string[]).flatMap((i) => found.get(i) ?? []);
  };
  return presentIncidentDetail({
    row,
    params: reporting(row.policy_version),
    now: ctx.clock.now().toISOString(),
    systems: byOrder(row.system_ids, systems).map(({ id: sid, name }) => ({ id: sid, name })),
    offerings: byOrder(row.offering_ids, offerings).map(({ id: oid, name }) => ({ id: oid, name })),
    documents: byOrder(row.document_ids, documents),
    timeline,
    requests,
    actions,
    breaches,
    allowedActions: allowedActions(
      {
        organizationId: row.organization_id,
        status: row.status,
        finalReportAt: row.final_report_at,
      },
      { organizationId: actor.organizationId, managesIncidents: actor.powers.has(MANAGE) },
    ),
  });
}

/**
 * The filter a caller may use: the Cloud Office any, others only their own organization's (asking
 * for another organization's gives nothing, as if it had none). Null: nothing can match.
 */
function scoped(actor: Actor, filter: repo.IncidentFilter): repo.IncidentFilter | null {
  if (isOfficeStaff(actor)) return filter;
  if (filter.organizationId !== undefined && filter.organizationId !== actor.organizationId)
    return null;
  return { ...filter, organizationId: actor.organizationId };
}

function filterOf(query: IncidentListQuery): repo.IncidentFilter {
  const { status, severity, organizationId, late, q } = query;
  return { status, severity, organizationId, late, q };
}

/** One page of incidents, newest report first unless `sort` says otherwise. */
export async function listIncidents(
  ctx: AppContext,
  actor: Actor,
  query: IncidentListQuery,
): Promise<IncidentPage> {
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  const filter = scoped(actor, filterOf(query));
  if (filter === null) return { items: [], total: 0, limit, offset };
  const page = await repo.listIncidents(ctx.db, filter, query.sort ?? '-reportedAt', {
    limit,
    offset,
  });
  const reporting = await reportingOf(
    ctx.db,
    page.items.map((r) => r.policy_version),
  );
  const now = ctx.clock.now().toISOString();
  return {
    items: page.items.map((r) => presentIncidentSummary(r, reporting(r.policy_version), now)),
    total: page.total,
    limit,
    offset,
  };
}

/** Every incident the list would show (all pages), as CSV text in chunks, header first. */
export async function* streamIncidentsCsv(
  ctx: AppContext,
  actor: Actor,
  query: IncidentListQuery,
): AsyncGenerator<string> {
  yield incidentCsvHeader();
  const filter = scoped(actor, filterOf(query));
  if (filter === null) return;
  const now = ctx.clock.now().toISOString();
  for await (const rows of repo.incidentBatches(ctx.db, filter, query.sort ?? '-reportedAt')) {
    const reporting = await reportingOf(
      ctx.db,
      rows.map((r) => r.policy_version),
    );
    yield rows
      .map((r) => incidentCsvRecord(presentIncidentSummary(r, reporting(r.policy_version), now)))
      .join('');
  }
}

// ---------------------------------------------------------------------------------------------
// Intake

/** "3 hours 5 minutes", for e-mail and evidence read by people. */
export function durationInWords(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  if (hours > 0) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (rest > 0 || parts.length === 0) parts.push(`${rest} ${rest === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}

function refuse(code: string, message: string, issues: ProblemIssue[]): AppError {
  return new AppError(422, code, message, issues);
}

const quoted = (ids: readonly string[]): string => ids.map((i) => JSON.stringify(i)).join(', ');

/** Issues for each id of `asked` (at `/<field>/<index>`) that is not in `known`. */
function unknownIds(
  field: string,
  asked: readonly string[],
  known: ReadonlySet<string>,
  what: string,
): ProblemIssue[] {
  return asked.flatMap((id, index) =>
    known.has(id)
      ? []
      : [
          {
            in: 'body',
            pointer: `/${field}/${index}`,
            message: `${JSON.stringify(id)} is not ${what}`,
          },
        ],
  );
}

/** Any CSP or PSE user may report; the organization reported for is their own. */
function reporterParty(actor: Actor): 'csp' | 'pse' {
  if (actor.organizationKind === 'csp' || actor.organizationKind === 'pse')
    return actor.organizationKind;
  throw new AppError(
    403,
    'forbidden',
    'Data-breach reports are made by cloud service providers and public sector entities.',
  );
}

/**
 * A CSP or PSE reports a data breach. Everything is checked before anything is written (a
 * discovery in the future, systems not the reporter's, unknown offerings, data classes or
 * documents are refused with every reason, 422, nothing stored). Then one transaction: the
 * incident with its deadlines, delay and late flag from the obligations in force and its severity
 * from their matrix; the `reported` timeline entry; for a late report, its breach of duty; an
 * e-mail to every holder of `manage_incidents` today; the `incident.reported` event; the audit
 * event last. The answer is built from what was written, without reading it back.
 */
export async function reportIncident(
  ctx: AppContext,
  actor: Actor,
  body: IncidentReportInput,
  request: RequestContext,
): Promise<IncidentDetail> {
  const party = reporterParty(actor);
  const now = ctx.clock.now();
  const reportedAt = now.toISOString();
  const discoveredMs = Date.parse(body.discoveredAt);
  if (Number.isNaN(discoveredMs)) {
    throw refuse('input_invalid', 'discoveredAt must be an ISO-8601 instant.', [
      { in: 'body', pointer: '/discoveredAt', message: 'is not an ISO-8601 instant' },
    ]);
  }
  if (discoveredMs > now.getTime()) {
    throw refuse(
      'discovered_in_future',
      `The breach cannot have been discovered at ${new Date(discoveredMs).toISOString()}, which is after now (${reportedAt}). Give the instant it was discovered. Nothing was stored.`,
      [{ in: 'body', pointer: '/discoveredAt', message: 'is in the future' }],
    );
  }
  const discoveredAt = new Date(discoveredMs).toISOString();
  const systemIds = body.systemIds ?? [];
  const offeringIds = body.offeringIds ?? [];
  const dataClasses = body.dataClasses ?? [];
  const documentIds = body.documentIds ?? [];

  // One query per kind of reference, however many are named: intake is benchmarked.
  // The office's recipients are read here too, outside the transaction, to keep it short.
  const [{ version, pack }, systems, offerings, documents, recipients] = await Promise.all([
    policyInForce(ctx.db),
    systemIds.length > 0 ? repo.systemsNamed(ctx.db, systemIds) : [],
    offeringIds.length > 0 ? repo.offeringsNamed(ctx.db, offeringIds) : [],
    documentIds.length > 0 ? repo.documentsNamed(ctx.db, documentIds) : [],
    holdersOf(ctx.db, MANAGE, dayOf(now)),
  ]);

  const policy = { policyVersion: version, obligations: pack.duties ?? DEFAULT_OBLIGATIONS };
  const problems: { code: string; message: string; issues: ProblemIssue[] }[] = [];
  const check = (
    code: string,
    field: string,
    asked: readonly string[],
    known: Map<string, { id: string; name?: string }>,
    what: string,
    words: string,
  ): void => {
    const issues = unknownIds(field, asked, new Set(known.keys()), what);
    if (issues.length === 0) return;
    const missing = asked.filter((i) => !known.has(i));
    problems.push({ code, message: `${words}: ${quoted(missing)}`, issues });
  };
  const ownSystems = new Map(
    systems.filter((s) => s.organization_id === actor.organizationId).map((s) => [s.id, s]),
  );
  check(
    'unknown_systems',
    'systemIds',
    systemIds,
    ownSystems,
    "a system of your organization's register",
    "These are not systems of your organization's register",
  );
  // A PSE may name any provider's offering it uses; a CSP only its own.
  const namable = new Map(
    offerings
      .filter((o) => party === 'pse' || o.organization_id === actor.organizationId)
      .map((o) => [o.id, o]),
  );
  check(
    'unknown_offerings',
    'offeringIds',
    offeringIds,
    namable,
    party === 'csp' ? 'an offering of your organization' : 'an offering in the register',
    party === 'csp'
      ? 'These are not offerings of your organization'
      : 'There are no such offerings',
  );
  const classCodes = new Map(pack.classes.map((c) => [c.code, { id: c.code }]));
  check(
    'unknown_data_classes',
    'dataClasses',
    dataClasses,
    classCodes,
    `a data class of the policy in force (${[...classCodes.keys()].join(', ')})`,
    'These are not data classes of the policy in force',
  );
  const ownDocs = new Map(
    documents.filter((d) => d.organization_id === actor.organizationId).map((d) => [d.id, d]),
  );
  check(
    'unknown_documents',
    'documentIds',
    documentIds,
    ownDocs,
    'a document uploaded by your organization',
    'These are not documents your organization uploaded (upload them first with POST /api/v1/documents)',
  );
  const first = problems[0];
  if (first) {
    throw refuse(
      first.code,
      `${problems.map((p) => p.message).join('. ')}. Nothing was stored.`,
      problems.flatMap((p) => p.issues),
    );
  }

  const { obligations, policyVersion } = policy;
  const personalData = body.personalData;
  const levelNotice = await levelNoticeFor(ctx.db, pack, obligations.reporting, dataClasses);
  const levelNoticeHours = levelNotice?.hours ?? null;
  const deadlines = reportingDeadlines(
    { discoveredAt, reportedAt, personalData, levelNoticeHours },
    obligations.reporting,
    reportedAt,
  );
  const noticeDueAt = deadlines.tracks.map((t) => t.dueAt).reduce((a, b) => (b < a ? b : a));
  const delaySeconds = Math.max(0, Math.floor((now.getTime() - discoveredMs) / 1000));
  const late = now.getTime() > Date.parse(noticeDueAt);
  const recordsAffected = body.recordsAffected ?? null;
  const peopleAffected = body.peopleAffected ?? null;
  const rating = severityOf(obligations.severity, {
    dataClasses,
    peopleAffected,
    recordsAffected,
    personalData,
  });
  const contact = {
    name: body.contact.name,
    email: body.contact.email,
    phone: body.contact.phone ?? null,
  };
  const id = randomUUID();
  const row = {
    id,
    organization_id: actor.organizationId,
    status: 'reported' as const,
    severity: rating.severity,
    severity_reason: rating.reason,
    title: body.title,
    description: body.description,
    discovered_at: discoveredAt,
    reported_at: reportedAt,
    reported_by_user_id: actor.userId,
    system_ids: JSON.stringify(systemIds),
    offering_ids: JSON.stringify(offeringIds),
    data_classes: JSON.stringify(dataClasses),
    personal_data: personalData ? 1 : 0,
    records_affected: recordsAffected,
    people_affected: peopleAffected,
    contact: JSON.stringify(contact),
    document_ids: JSON.stringify(documentIds),
    policy_version: policyVersion,
    notice_due_at: noticeDueAt,
    level_notice: levelNotice === null ? null : JSON.stringify(levelNotice),
    reporting_delay_seconds: delaySeconds,
    late: late ? 1 : 0,
    last_update_at: reportedAt,
    final_report_at: null,
    owner_user_id: null,
    closed_at: null,
    revision: 1,
    created_at: reportedAt,
    updated_at: reportedAt,
  };
  const actorRef = timelineActor(actor);

  const breachIds = await ctx.db.transaction().execute(async (trx) => {
    await repo.insertIncident(trx, row);
    await startTimeline(trx, {
      incidentId: id,
      type: 'reported',
      data: {
        discoveredAt,
        reportedAt,
        reportingDelaySeconds: delaySeconds,
        late,
        noticeDueAt,
        ...(levelNotice && { levelNotice }),
        severity: rating.severity,
      },
      actor: actorRef,
      at: reportedAt,
    });
    let opened: string[] = [];
    if (late) {
      // The late report is itself the breach: the duty check over this one fact.
      const facts: DutyFacts = {
        offerings: [],
        systems: [],
        breachReports: [
          {
            id,
            organizations: [{ id: actor.organizationId, party }],
            discoveredAt,
            reportedAt,
            personalData,
            levelNoticeHours,
          },
        ],
        requests: [],
        actions: [],
        findings: [],
        conditions: [],
      };
      opened = await openBreaches(ctx, trx, checkDuties(obligations, facts, reportedAt), policy, {
        audit: false,
        officeTold: true,
      });
    }
    const due = deadlines.tracks
      .map(
        (t) =>
          `${t.track === 'initial_notice' ? 'initial notice' : 'personal data'}: within ${t.hours} hour${t.hours === 1 ? '' : 's'} of discovery, by ${t.dueAt}${t.late ? ' (missed)' : ''}`,
      )
      .join('\n  ');
    const text =
      `${actor.organizationName} reported a data breach: "${body.title}".\n\n` +
      `Discovered: ${discoveredAt}\nReported:   ${reportedAt}\n` +
      `Reporting delay: ${durationInWords(delaySeconds)}${late ? ' (LATE: the reporting deadline had passed)' : ' (on time)'}\n` +
      `Deadlines:\n  ${due}\n` +
      (levelNotice ? `  (${levelNoticeInWords(levelNotice, obligations.reporting)})\n` : '') +
      `Severity: ${rating.severity} (${rating.reason})\n` +
      `Personal data involved: ${personalData ? 'yes' : 'no'}\n` +
      (opened.length > 0
        ? `A breach of the reporting duty was recorded (${opened.join(', ')}).\n`
        : '') +
      `\nContact: ${contact.name} <${contact.email}>${contact.phone ? `, ${contact.phone}` : ''}\n` +
      `Open it in the portal: ${ctx.config.http.publicUrl}/incidents/${id}\n`;
    for (const to of recipients) {
      await enqueueEmail(
        trx,
        {
          to,
          subject: `Cloud Office: ${late ? 'late ' : ''}data-breach report from ${oneLine(actor.organizationName)} (${rating.severity})`,
          text,
        },
        ctx.clock,
      );
    }
    await emitEvent(trx, ctx.clock, {
      type: 'incident.reported',
      data: {
        incidentId: id,
        organizationId: actor.organizationId,
        title: body.title,
        severity: rating.severity,
        discoveredAt,
        reportedAt,
        reportingDelaySeconds: delaySeconds,
        late,
        noticeDueAt,
        breachIds: opened,
      },
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'incident.report',
        outcome: 'success',
        target: { type: 'incident', id },
        summary: {
          after: {
            status: 'reported',
            severity: rating.severity,
            discoveredAt,
            reportedAt,
            reportingDelaySeconds: delaySeconds,
            late,
            noticeDueAt,
            policyVersion,
            systemIds,
            offeringIds,
            dataClasses,
            personalData,
            documentIds,
            breachIds: opened,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
    return opened;
  });

  const params = obligations.reporting;
  const breachSeverity =
    obligations.duties.find((d) => d.check?.kind === 'breach_reported_within')?.severity ??
    'medium';
  const dutyCode =
    obligations.duties.find((d) => d.check?.kind === 'breach_reported_within')?.code ?? '';
  return presentIncidentDetail({
    row: {
      ...row,
      organization_name: actor.organizationName,
      owner_name: null,
      owner_email: null,
    },
    params,
    now: reportedAt,
    systems: systemIds.flatMap((s) => {
      const found = ownSystems.get(s);
      return found ? [{ id: found.id, name: found.name }] : [];
    }),
    offerings: offeringIds.flatMap((o) => {
      const found = namable.get(o);
      return found ? [{ id: found.id, name: found.name }] : [];
    }),
    documents: documentIds.flatMap((d) => ownDocs.get(d) ?? []),
    timeline: [
      {
        seq: 1,
        type: 'reported',
        at: reportedAt,
        data: JSON.stringify({
          discoveredAt,
          reportedAt,
          reportingDelaySeconds: delaySeconds,
          late,
          noticeDueAt,
          severity: rating.severity,
        }),
        actor_user_id: actor.userId,
        actor_name: actor.displayName,
        actor_organization_id: actor.organizationId,
        actor_position: actorRef.position,
      },
    ],
    requests: [],
    actions: [],
    breaches: breachIds.map((b) => ({
      id: b,
      duty_code: dutyCode,
      status: 'open',
      severity: breachSeverity,
    })),
    allowedActions: allowedActions(
      { organizationId: actor.organizationId, status: 'reported', finalReportAt: null },
      { organizationId: actor.organizationId, managesIncidents: actor.powers.has(MANAGE) },
    ),
  });
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function timelineActor(actor: Actor, power?: typeof MANAGE): NonNullable<TimelineEntry['actor']> {
  return {
    userId: actor.userId,
    organizationId: actor.organizationId,
    position: positionFor(actor, power),
  };
}

// ---------------------------------------------------------------------------------------------
// Updates and the final report

/**
 * The reporting organization adds an update, or its final report (once). Officers read updates
 * but do not write them for the organization (403). A closed incident takes no more (409). The
 * incident row is locked first, so two updates at once take their turns and a second final
 * report is refused whichever came first.
 */
export async function addIncidentUpdate(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: IncidentUpdateInput,
  request: RequestContext,
): Promise<IncidentDetail> {
  const seen = await visible(ctx.db, actor, id);
  if (seen.organization_id !== actor.organizationId) {
    throw new AppError(
      403,
      'not_reporter',
      `Only users of ${seen.organization_name}, which reported this incident, may add updates or its final report.`,
    );
  }
  const added = [...new Set(body.documentIds ?? [])];
  await checkDocuments(ctx.db, actor.organizationId, added);
  const final = body.final === true;
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await lockIncident(trx, id, now);
    if (row.status === 'closed') {
      throw AppError.conflict(
        'incident_closed',
        'This incident is closed; it takes no more updates. Write to the Cloud Office if something new has come to light.',
      );
    }
    if (final && row.final_report_at !== null) {
      throw AppError.conflict(
        'final_report_given',
        `The final report of this incident was given at ${row.final_report_at}; send further news as an update.`,
      );
    }
    const documentIds = [...new Set([...(JSON.parse(row.document_ids) as string[]), ...added])];
    const changes = {
      last_update_at: now,
      updated_at: now,
      document_ids: JSON.stringify(documentIds),
      ...(body.recordsAffected !== undefined ? { records_affected: body.recordsAffected } : {}),
      ...(body.peopleAffected !== undefined ? { people_affected: body.peopleAffected } : {}),
      ...(final ? { final_report_at: now } : {}),
    };
    await repo.updateIncident(trx, id, row.revision, changes);
    const data = {
      text: body.text,
      final,
      ...(body.recordsAffected !== undefined ? { recordsAffected: body.recordsAffected } : {}),
      ...(body.peopleAffected !== undefined ? { peopleAffected: body.peopleAffected } : {}),
      documentIds: added,
    };
    await appendTimeline(trx, {
      incidentId: id,
      type: final ? 'final_report' : 'update',
      data,
      actor: timelineActor(actor),
      at: now,
    });
    await emitEvent(trx, ctx.clock, {
      type: final ? 'incident.final_report' : 'incident.updated',
      data: {
        incidentId: id,
        organizationId: row.organization_id,
        at: now,
        ...(body.recordsAffected !== undefined ? { recordsAffected: body.recordsAffected } : {}),
        ...(body.peopleAffected !== undefined ? { peopleAffected: body.peopleAffected } : {}),
      },
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: final ? 'incident.final_report' : 'incident.add_update',
        outcome: 'success',
        target: { type: 'incident', id },
        summary: {
          before: {
            recordsAffected: row.records_affected,
            peopleAffected: row.people_affected,
          },
          after: {
            final,
            documentIds: data.documentIds,
            ...changesOf(body),
            revision: row.revision + 1,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getIncident(ctx, actor, id);
}

/** The counts an update changed, for the audit trail. */
function changesOf(body: IncidentUpdateInput): Record<string, number | null> {
  return {
    ...(body.recordsAffected !== undefined ? { recordsAffected: body.recordsAffected } : {}),
    ...(body.peopleAffected !== undefined ? { peopleAffected: body.peopleAffected } : {}),
  };
}

/**
 * Takes the incident's row lock (PostgreSQL; SQLite has one writer) and reads it, so that what
 * the step checks is what it changes.
 */
async function lockIncident(
  trx: Kysely<Database>,
  id: string,
  at: string,
): Promise<repo.IncidentRow> {
  await trx.updateTable('incidents').set({ updated_at: at }).where('id', '=', id).execute();
  const row = await repo.findIncident(trx, id);
  if (!row) throw notFound(id);
  return row;
}

// ---------------------------------------------------------------------------------------------
// The lifecycle

function requireManager(actor: Actor): void {
  if (!actor.powers.has(MANAGE)) {
    throw new AppError(
      403,
      'forbidden',
      'Triage and the incident lifecycle need the power "manage_incidents"; you hold no post with it today.',
    );
  }
}

function stale(row: repo.IncidentRow, revision: number): AppError {
  return AppError.conflict(
    'stale_revision',
    `This incident has changed since you loaded it (you sent revision ${revision}; it is at ${row.revision}). Reload it and try again.`,
  );
}

async function officerOwner(
  db: Kysely<Database>,
  userId: string,
): Promise<{ id: string; display_name: string; email: string }> {
  const owner = await repo.activeOfficer(db, userId);
  if (!owner) {
    throw refuse(
      'owner_not_officer',
      `The owner must be an active user of the Cloud Office; ${JSON.stringify(userId)} is not.`,
      [{ in: 'body', pointer: '/ownerUserId', message: 'is not an active Cloud Office user' }],
    );
  }
  return owner;
}

/**
 * An officer moves an incident along the lifecycle, optionally setting its severity and owner in
 * the same step. Refused: a stale revision (409 stale_revision), a move the lifecycle does not
 * allow (409 transition_not_allowed, naming the state and where it may go), closing while report
 * requests are open or answered but not accepted, or actions are not verified, closed or
 * cancelled (422 incident_not_finished, naming each).
 */
export async function transitionIncident(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: IncidentTransitionInput,
  request: RequestContext,
): Promise<IncidentDetail> {
  requireManager(actor);
  await visible(ctx.db, actor, id);
  const owner =
    body.ownerUserId === undefined ? null : await officerOwner(ctx.db, body.ownerUserId);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.findIncident(trx, id);
    if (!row) throw notFound(id);
    if (row.revision !== body.revision) throw stale(row, body.revision);
    if (!transitionAllowed(row.status, body.to)) {
      throw AppError.conflict('transition_not_allowed', transitionRefusal(row.status, body.to));
    }
    if (body.to === 'closed') {
      const open = await repo.unfinishedWorkOf(trx, id);
      const issues: ProblemIssue[] = [
        ...open.requests.map((q) => ({
          in: 'body',
          pointer: '/to',
          message: `report request ${q.id} ("${q.subject}") is ${q.status === 'open' ? 'still open' : 'answered but not accepted'}`,
        })),
        ...open.actions.map((a) => ({
          in: 'body',
          pointer: '/to',
          message: `response action ${a.id} (${a.kind.replace(/_/g, ' ')}) is ${a.status.replace('_', ' ')}, not yet verified, closed or cancelled`,
        })),
      ];
      if (issues.length > 0) {
        throw refuse(
          'incident_not_finished',
          `This incident cannot be closed yet: ${issues.map((i) => i.message).join('; ')}.`,
          issues,
        );
      }
    }
    const severity =
      body.severity !== undefined && body.severity !== row.severity ? body.severity : null;
    const ownerChanged = owner !== null && owner.id !== row.owner_user_id;
    const position = positionFor(actor, MANAGE);
    const changes = {
      status: body.to as IncidentStatus,
      updated_at: now,
      ...(body.to === 'closed' ? { closed_at: now } : {}),
      ...(severity
        ? {
            severity,
            severity_reason: officerReason(actor, position, severity, body.note),
          }
        : {}),
      ...(ownerChanged ? { owner_user_id: owner.id } : {}),
    };
    if (!(await repo.updateIncident(trx, id, row.revision, changes)))
      throw stale(row, body.revision);
    const who = timelineActor(actor, MANAGE);
    await appendTimeline(trx, {
      incidentId: id,
      type: 'transition',
      data: { from: row.status, to: body.to, ...(body.note ? { note: body.note } : {}) },
      actor: who,
      at: now,
    });
    if (severity) {
      await appendTimeline(trx, {
        incidentId: id,
        type: 'severity_changed',
        data: { from: row.severity, to: severity },
        actor: who,
        at: now,
      });
    }
    if (ownerChanged) {
      await appendTimeline(trx, {
        incidentId: id,
        type: 'owner_changed',
        data: { from: row.owner_user_id, to: owner.id, name: owner.display_name },
        actor: who,
        at: now,
      });
    }
    await emitEvent(trx, ctx.clock, {
      type: 'incident.status_changed',
      data: {
        incidentId: id,
        organizationId: row.organization_id,
        from: row.status,
        to: body.to,
        severity: severity ?? row.severity,
        at: now,
      },
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, MANAGE),
        action: 'incident.transition',
        outcome: 'success',
        target: { type: 'incident', id },
        summary: {
          before: { status: row.status, severity: row.severity, ownerUserId: row.owner_user_id },
          after: {
            status: body.to,
            severity: severity ?? row.severity,
            ownerUserId: ownerChanged ? owner.id : row.owner_user_id,
            revision: row.revision + 1,
          },
          ...(body.note ? { reason: body.note } : {}),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getIncident(ctx, actor, id);
}

function officerReason(
  actor: Actor,
  position: string | null,
  severity: IncidentSeverity,
  reason: string | undefined,
): string {
  const who = position ? `${actor.displayName} (${position})` : actor.displayName;
  return `Set to ${severity} by ${who}${reason ? `: ${reason}` : '.'}`;
}

/**
 * An officer sets an incident's severity (with a reason) or owner outside a transition. A closed
 * incident no longer changes (409); a stale revision is refused (409 stale_revision).
 */
export async function patchIncident(
  ctx: AppContext,
  actor: Actor,
  id: string,
  body: IncidentPatchInput,
  request: RequestContext,
): Promise<IncidentDetail> {
  requireManager(actor);
  await visible(ctx.db, actor, id);
  if (
    body.severity === undefined &&
    body.severityReason === undefined &&
    body.ownerUserId === undefined
  ) {
    throw refuse('nothing_to_change', 'Send a severity, a severity reason or an owner to change.', [
      { in: 'body', pointer: '', message: 'names nothing to change' },
    ]);
  }
  const owner =
    body.ownerUserId === undefined || body.ownerUserId === null
      ? null
      : await officerOwner(ctx.db, body.ownerUserId);
  const now = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await repo.findIncident(trx, id);
    if (!row) throw notFound(id);
    if (row.revision !== body.revision) throw stale(row, body.revision);
    if (row.status === 'closed') {
      throw AppError.conflict('incident_closed', 'This incident is closed; it no longer changes.');
    }
    const position = positionFor(actor, MANAGE);
    const severity = body.severity ?? row.severity;
    const severityChanged = severity !== row.severity;
    const reason =
      body.severityReason !== undefined || severityChanged
        ? officerReason(actor, position, severity, body.severityReason)
        : row.severity_reason;
    const ownerId = body.ownerUserId === undefined ? row.owner_user_id : (owner?.id ?? null);
    const ownerChanged = ownerId !== row.owner_user_id;
    const changes = {
      updated_at: now,
      severity,
      severity_reason: reason,
      owner_user_id: ownerId,
    };
    if (!(await repo.updateIncident(trx, id, row.revision, changes)))
      throw stale(row, body.revision);
    const who = timelineActor(actor, MANAGE);
    if (severityChanged || reason !== row.severity_reason) {
      await appendTimeline(trx, {
        incidentId: id,
        type: 'severity_changed',
        data: { from: row.severity, to: severity, reason },
        actor: who,
        at: now,
      });
    }
    if (ownerChanged) {
      await appendTimeline(trx, {
        incidentId: id,
        type: 'owner_changed',
        data: { from: row.owner_user_id, to: ownerId, name: owner?.display_name ?? null },
        actor: who,
        at: now,
      });
    }
    await emitEvent(trx, ctx.clock, {
      type: 'incident.updated',
      data: {
        incidentId: id,
        organizationId: row.organization_id,
        severity,
        ownerUserId: ownerId,
        at: now,
      },
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor, MANAGE),
        action: 'incident.update',
        outcome: 'success',
        target: { type: 'incident', id },
        summary: {
          before: { severity: row.severity, ownerUserId: row.owner_user_id },
          after: {
            severity,
            severityReason: reason,
            ownerUserId: ownerId,
            revision: row.revision + 1,
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getIncident(ctx, actor, id);
}
