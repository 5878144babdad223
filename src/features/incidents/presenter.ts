import { Type, type Static } from 'typebox';
import { choice, DocRefSchema, nullable, OrgRefSchema, UserRefSchema } from '../../http/schemas.js';
import { csvRecord } from '../audit/csv.js';
import {
  finalReportDueAt,
  nextUpdateDueAt,
  reportingDeadlines,
  updateOverdue,
} from '../duties/deadlines.js';
import type { LevelNotice } from '../duties/level-notice.js';
import type { ReportingParameters } from '../duties/model.js';
import { INCIDENT_STATUSES, type IncidentAction } from './lifecycle.js';
import type {
  IncidentActionRow,
  IncidentBreachRow,
  IncidentDocumentRow,
  IncidentListRow,
  IncidentRequestRow,
  IncidentTimelineRow,
} from './repo.js';

/** How incidents look over the API: TypeBox schemas and the functions that fill them. */

export const SEVERITY_VALUES = ['low', 'medium', 'high', 'critical'] as const;

const OrgRef = OrgRefSchema;
const UserRef = UserRefSchema;
const DocRef = DocRefSchema;

export const IncidentSummarySchema = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  title: Type.String(),
  status: choice(INCIDENT_STATUSES),
  severity: choice(SEVERITY_VALUES),
  discoveredAt: Type.String(),
  reportedAt: Type.String(),
  reportingDelaySeconds: Type.Integer({ description: 'From discovery to the report' }),
  late: Type.Boolean({ description: 'Reported after a reporting deadline' }),
  noticeDueAt: Type.String({ description: 'The earliest reporting deadline' }),
  personalData: Type.Boolean(),
  dataClasses: Type.Array(Type.String()),
  nextUpdateDueAt: nullable(
    Type.String({
      description: 'When the next update is due; null once closed or finally reported',
    }),
  ),
  updateOverdue: Type.Boolean(),
  finalReportDueAt: Type.String(),
  finalReportAt: nullable(Type.String()),
  owner: UserRef,
  revision: Type.Integer(),
  updatedAt: Type.String(),
});

const RequestSummary = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  incidentId: nullable(Type.String()),
  subject: Type.String(),
  status: choice(['open', 'answered', 'accepted', 'withdrawn'] as const),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  requestedAt: Type.String(),
  answeredAt: nullable(Type.String()),
  escalationStep: Type.Integer(),
});

const ActionSummary = Type.Object({
  id: Type.String(),
  organization: OrgRef,
  kind: Type.String(),
  description: Type.String(),
  status: choice(['ordered', 'in_progress', 'done', 'verified', 'closed', 'cancelled'] as const),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  incidentId: nullable(Type.String()),
  breachId: nullable(Type.String()),
  offering: nullable(OrgRef),
  owner: UserRef,
  orderedAt: Type.String(),
});

export const INCIDENT_ACTIONS = [
  'add_update',
  'final_report',
  'triage',
  'investigate',
  'contain',
  'resolve',
  'close',
  'set_severity',
  'assign_owner',
] as const satisfies readonly IncidentAction[];

export const IncidentDetailSchema = Type.Object({
  ...IncidentSummarySchema.properties,
  description: Type.String(),
  severityReason: Type.String(),
  systems: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  offerings: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  recordsAffected: nullable(Type.Integer()),
  peopleAffected: nullable(Type.Integer()),
  contact: Type.Object({
    name: Type.String(),
    email: Type.String(),
    phone: nullable(Type.String()),
  }),
  documents: Type.Array(DocRef),
  policyVersion: Type.Integer(),
  deadlines: Type.Array(
    Type.Object({
      track: Type.String({ description: 'initial_notice or personal_data' }),
      hours: Type.Number(),
      dueAt: Type.String(),
      met: Type.Boolean(),
    }),
  ),
  levelNotice: nullable(
    Type.Object(
      {
        dataClass: Type.String(),
        level: Type.String(),
        levelTitle: Type.String(),
        levelVersion: Type.Integer(),
        parameter: Type.String(),
        hours: Type.Number(),
      },
      {
        description:
          "The security level's own breach-notice figure that applied at intake: the level of the highest data class named, read from its latest published version; null when none applied. The initial-notice deadline follows the policy's levelNotice rule.",
      },
    ),
  ),
  timeline: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      type: Type.String(),
      at: Type.String(),
      actor: nullable(
        Type.Object({
          userId: nullable(Type.String()),
          name: nullable(Type.String()),
          organizationId: nullable(Type.String()),
          position: nullable(Type.String()),
        }),
      ),
      data: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  requests: Type.Array(RequestSummary),
  actions: Type.Array(ActionSummary),
  breaches: Type.Array(
    Type.Object({
      id: Type.String(),
      dutyCode: Type.String(),
      status: Type.String(),
      severity: Type.String(),
    }),
  ),
  allowedActions: Type.Array(choice(INCIDENT_ACTIONS), {
    description: 'What you may do now on this incident',
  }),
});

export type IncidentSummary = Static<typeof IncidentSummarySchema>;
export type IncidentDetail = Static<typeof IncidentDetailSchema>;
export type RequestSummary = Static<typeof RequestSummary>;
export type ActionSummary = Static<typeof ActionSummary>;

const parseList = (text: string): string[] => JSON.parse(text) as string[];

const userRef = (id: string | null, name: string | null, email: string | null) =>
  id === null ? null : { id, name: name ?? '', email: email ?? '' };

/**
 * One incident as lists show it. The update cadence and the final report's due date are those of
 * the policy the report arrived under (`params`); `now` decides whether an update is overdue.
 */
export function presentIncidentSummary(
  row: IncidentListRow,
  params: ReportingParameters,
  now: string,
): IncidentSummary {
  // Nothing more is owed once the incident is closed or its final report is in.
  const updatesOwed = row.status !== 'closed' && row.final_report_at === null;
  return {
    id: row.id,
    organization: { id: row.organization_id, name: row.organization_name },
    title: row.title,
    status: row.status,
    severity: row.severity,
    discoveredAt: row.discovered_at,
    reportedAt: row.reported_at,
    reportingDelaySeconds: row.reporting_delay_seconds,
    late: row.late === 1,
    noticeDueAt: row.notice_due_at,
    personalData: row.personal_data === 1,
    dataClasses: parseList(row.data_classes),
    nextUpdateDueAt: updatesOwed
      ? nextUpdateDueAt(row.last_update_at, row.reported_at, params)
      : null,
    updateOverdue: updatesOwed && updateOverdue(row.last_update_at, row.reported_at, params, now),
    finalReportDueAt: finalReportDueAt(row.discovered_at, row.reported_at, params),
    finalReportAt: row.final_report_at,
    owner: userRef(row.owner_user_id, row.owner_name, row.owner_email),
    revision: row.revision,
    updatedAt: row.updated_at,
  };
}

export interface IncidentDetailParts {
  row: IncidentListRow;
  params: ReportingParameters;
  now: string;
  systems: { id: string; name: string }[];
  offerings: { id: string; name: string }[];
  documents: IncidentDocumentRow[];
  timeline: IncidentTimelineRow[];
  requests: IncidentRequestRow[];
  actions: IncidentActionRow[];
  breaches: IncidentBreachRow[];
  allowedActions: IncidentAction[];
}

/** Everything about one incident, for its page and its exports. */
export function presentIncidentDetail(parts: IncidentDetailParts): IncidentDetail {
  const { row, params, now } = parts;
  const contact = JSON.parse(row.contact) as { name: string; email: string; phone?: string | null };
  const levelNotice =
    row.level_notice === null ? null : (JSON.parse(row.level_notice) as LevelNotice);
  const deadlines = reportingDeadlines(
    {
      discoveredAt: row.discovered_at,
      reportedAt: row.reported_at,
      personalData: row.personal_data === 1,
      levelNoticeHours: levelNotice?.hours ?? null,
    },
    params,
    row.reported_at,
  );
  const nowMs = Date.parse(now);
  return {
    ...presentIncidentSummary(row, params, now),
    description: row.description,
    severityReason: row.severity_reason,
    systems: parts.systems,
    offerings: parts.offerings,
    recordsAffected: row.records_affected,
    peopleAffected: row.people_affected,
    contact: { name: contact.name, email: contact.email, phone: contact.phone ?? null },
    documents: parts.documents.map((d) => ({
      id: d.id,
      fileName: d.file_name,
      mediaType: d.media_type,
      size: d.size,
    })),
    policyVersion: row.policy_version,
    deadlines: deadlines.tracks.map((t) => ({
      track: t.track,
      hours: t.hours,
      dueAt: t.dueAt,
      met: !t.late,
    })),
    levelNotice,
    timeline: parts.timeline.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: e.at,
      actor:
        e.actor_user_id === null && e.actor_organization_id === null
          ? null
          : {
              userId: e.actor_user_id,
              name: e.actor_name,
              organizationId: e.actor_organization_id,
              position: e.actor_position,
            },
      data: JSON.parse(e.data) as Record<string, unknown>,
    })),
    requests: parts.requests.map((q) => ({
      id: q.id,
      organization: { id: q.organization_id, name: q.organization_name },
      incidentId: q.incident_id,
      subject: q.subject,
      status: q.status,
      dueAt: q.due_at,
      overdue: q.status === 'open' && nowMs > Date.parse(q.due_at),
      requestedAt: q.requested_at,
      answeredAt: q.answered_at,
      escalationStep: q.escalation_step,
    })),
    actions: parts.actions.map((a) => ({
      id: a.id,
      organization: { id: a.organization_id, name: a.organization_name },
      kind: a.kind,
      description: a.description,
      status: a.status,
      dueAt: a.due_at,
      overdue:
        (a.status === 'ordered' || a.status === 'in_progress') && nowMs > Date.parse(a.due_at),
      incidentId: a.incident_id,
      breachId: a.breach_id,
      offering: a.offering_id === null ? null : { id: a.offering_id, name: a.offering_name ?? '' },
      owner: userRef(a.owner_user_id, a.owner_name, a.owner_email),
      orderedAt: a.ordered_at,
    })),
    breaches: parts.breaches.map((b) => ({
      id: b.id,
      dutyCode: b.duty_code,
      status: b.status,
      severity: b.severity,
    })),
    allowedActions: parts.allowedActions,
  };
}

/** The CSV export's columns, in order. */
export const INCIDENT_CSV_COLUMNS = [
  'id',
  'organization_id',
  'organization',
  'title',
  'status',
  'severity',
  'discovered_at',
  'reported_at',
  'reporting_delay_seconds',
  'late',
  'notice_due_at',
  'personal_data',
  'data_classes',
  'next_update_due_at',
  'update_overdue',
  'final_report_due_at',
  'final_report_at',
  'owner_email',
  'revision',
  'updated_at',
] as const;

export function incidentCsvHeader(): string {
  return csvRecord(INCIDENT_CSV_COLUMNS);
}

/** One incident as a CSV record (RFC 4180; formula-like cells guarded by audit/csv.ts). */
export function incidentCsvRecord(item: IncidentSummary): string {
  return csvRecord([
    item.id,
    item.organization.id,
    item.organization.name,
    item.title,
    item.status,
    item.severity,
    item.discoveredAt,
    item.reportedAt,
    item.reportingDelaySeconds,
    item.late ? 'yes' : 'no',
    item.noticeDueAt,
    item.personalData ? 'yes' : 'no',
    item.dataClasses.join(' '),
    item.nextUpdateDueAt,
    item.updateOverdue ? 'yes' : 'no',
    item.finalReportDueAt,
    item.finalReportAt,
    item.owner?.email ?? null,
    item.revision,
    item.updatedAt,
  ]);
}
