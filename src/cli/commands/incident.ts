import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { IncidentSeverity, IncidentStatus } from '../../db/schema.js';
import type { Actor } from '../../features/identity/actor.js';
import { INCIDENT_STATUSES } from '../../features/incidents/lifecycle.js';
import {
  incidentCsvHeader,
  incidentCsvRecord,
  SEVERITY_VALUES,
  type IncidentDetail,
  type IncidentSummary,
} from '../../features/incidents/presenter.js';
import * as incidents from '../../features/incidents/service.js';
import { duration, renderIncidentSummary, when } from '../../features/incidents/summary-pdf.js';
import { CliError, oneOf, withContext, type CliIo } from '../io.js';

const LIST_FORMATS = ['table', 'csv', 'json'] as const;
const SHOW_FORMATS = ['text', 'json'] as const;
const EXPORT_FORMATS = ['json', 'pdf'] as const;
/** The service's largest page; the command pages through until every incident is listed. */
const PAGE = 200;

/**
 * Whom the shell reads as: the Cloud Office's view (every organization), with no user, post or
 * power, so it may do nothing but read. The shell reaches the database anyway; the incident
 * services take an actor to scope what they return, and this one is scoped to everything.
 */
const SHELL_READER: Actor = {
  userId: '',
  email: '',
  displayName: 'cloud-office (shell)',
  role: 'board_member',
  organizationId: '',
  organizationKind: 'cloud_office',
  organizationName: '',
  appointments: [],
  powers: new Set(),
  via: 'session',
  sessionId: null,
  apiTokenId: null,
  secondFactor: true,
  secondFactorEnrolled: true,
  secondFactorEnrolmentRequired: false,
};

/** Writes bytes to a file that appears whole or not at all, or to standard output. */
function writeOut(out: string | undefined, bytes: Buffer | string): string | undefined {
  if (out === undefined) {
    process.stdout.write(bytes);
    return undefined;
  }
  const file = path.resolve(out);
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    fs.writeFileSync(partial, bytes, { flag: 'wx' });
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw new CliError(`Cannot write ${file}: ${(error as Error).message}`);
  }
  return file;
}

/** An incident as text, for `incident show`. */
export function describeIncident(incident: IncidentDetail): string[] {
  const names = (items: readonly { name: string }[]) =>
    items.length > 0 ? items.map((i) => i.name).join(', ') : 'none';
  return [
    incident.title,
    `  id:               ${incident.id}`,
    `  organization:     ${incident.organization.name} (${incident.organization.id})`,
    `  status:           ${incident.status}`,
    `  severity:         ${incident.severity} (${incident.severityReason})`,
    `  owner:            ${incident.owner ? `${incident.owner.name} <${incident.owner.email}>` : 'none'}`,
    `  discovered:       ${when(incident.discoveredAt)}`,
    `  reported:         ${when(incident.reportedAt)}`,
    `  reporting delay:  ${duration(incident.reportingDelaySeconds)}${incident.late ? ' (LATE)' : ''}`,
    `  notice due:       ${when(incident.noticeDueAt)}`,
    ...incident.deadlines.map(
      (d) =>
        `  deadline:         ${d.track} ${d.hours} h, due ${when(d.dueAt)}${d.met ? ', met' : ', missed'}`,
    ),
    `  next update due:  ${incident.nextUpdateDueAt === null ? 'none' : when(incident.nextUpdateDueAt)}${incident.updateOverdue ? ' (OVERDUE)' : ''}`,
    `  final report:     ${incident.finalReportAt === null ? `due ${when(incident.finalReportDueAt)}` : `received ${when(incident.finalReportAt)}`}`,
    `  systems:          ${names(incident.systems)}`,
    `  offerings:        ${names(incident.offerings)}`,
    `  data classes:     ${incident.dataClasses.join(', ') || 'none'}`,
    `  personal data:    ${incident.personalData ? 'yes' : 'no'}`,
    `  records affected: ${incident.recordsAffected ?? 'not known'}`,
    `  people affected:  ${incident.peopleAffected ?? 'not known'}`,
    `  contact:          ${incident.contact.name} <${incident.contact.email}>${incident.contact.phone ? `, ${incident.contact.phone}` : ''}`,
    '',
    incident.description,
    '',
    `Timeline (${incident.timeline.length}):`,
    ...incident.timeline.map(
      (e) =>
        `  ${String(e.seq).padStart(3)}  ${when(e.at)}  ${e.type}${e.actor?.name ? `  (${e.actor.name})` : ''}`,
    ),
    `Report requests (${incident.requests.length}):`,
    ...incident.requests.map(
      (r) => `  ${r.id}  ${r.status.padEnd(9)}  due ${when(r.dueAt)}  ${r.subject}`,
    ),
    `Response actions (${incident.actions.length}):`,
    ...incident.actions.map(
      (a) => `  ${a.id}  ${a.status.padEnd(11)}  due ${when(a.dueAt)}  ${a.kind}: ${a.description}`,
    ),
    `Breaches (${incident.breaches.length}):`,
    ...incident.breaches.map(
      (b) => `  ${b.id}  ${b.status.padEnd(12)}  ${b.severity}  ${b.dutyCode}`,
    ),
  ];
}

/** `incident list|show|export`: data-breach reports from the shell, read as the system. */
export function registerIncidentCommands(program: Command, io: CliIo): void {
  const incident = program
    .command('incident')
    .description('data-breach reports and incidents: list, show, export as JSON or PDF');

  incident
    .command('list')
    .description('every incident, newest report first')
    .option('--status <status>', `only this status: ${INCIDENT_STATUSES.join(', ')}`)
    .option('--severity <severity>', `only this severity: ${SEVERITY_VALUES.join(', ')}`)
    .option('--format <format>', 'table (default), csv (as GET /api/v1/incidents.csv) or json')
    .action(
      async (
        options: { status?: string; severity?: string; format?: string },
        command: Command,
      ) => {
        const format = oneOf(command, '--format', options.format, LIST_FORMATS) ?? 'table';
        const status = oneOf<IncidentStatus>(command, '--status', options.status, [
          ...INCIDENT_STATUSES,
        ]);
        const severity = oneOf<IncidentSeverity>(command, '--severity', options.severity, [
          ...SEVERITY_VALUES,
        ]);
        await withContext(async (ctx) => {
          const items: IncidentSummary[] = [];
          for (let offset = 0; ; offset += PAGE) {
            const page = await incidents.listIncidents(ctx, SHELL_READER, {
              status,
              severity,
              limit: PAGE,
              offset,
            });
            items.push(...page.items);
            if (page.items.length < PAGE) break;
          }
          if (format === 'json') {
            io.out(JSON.stringify(items, null, 2));
            return;
          }
          if (format === 'csv') {
            process.stdout.write(incidentCsvHeader());
            for (const item of items) process.stdout.write(incidentCsvRecord(item));
            return;
          }
          if (items.length === 0) io.out('No incidents.');
          for (const item of items) {
            io.out(
              `${item.id}  ${item.reportedAt.slice(0, 16).replace('T', ' ')}  ${item.status.padEnd(13)}  ` +
                `${item.severity.padEnd(8)}  ${item.late ? 'LATE' : '    '}  ${item.title}  (${item.organization.name})`,
            );
          }
        });
      },
    );

  incident
    .command('show')
    .description(
      'one incident: reporting, deadlines, what was affected, timeline, requests, actions',
    )
    .argument('<id>', 'the incident id (see `cloud-office incident list`)')
    .option('--format <format>', 'text (default) or json (as GET /api/v1/incidents/{id})')
    .action(async (id: string, options: { format?: string }, command: Command) => {
      const format = oneOf(command, '--format', options.format, SHOW_FORMATS) ?? 'text';
      await withContext(async (ctx) => {
        const detail = await incidents.getIncident(ctx, SHELL_READER, id);
        if (format === 'json') io.out(JSON.stringify(detail, null, 2));
        else for (const line of describeIncident(detail)) io.out(line);
      });
    });

  incident
    .command('export')
    .description('one incident as JSON (as export.json) or as the PDF summary')
    .argument('<id>', 'the incident id')
    .requiredOption('--format <format>', 'json or pdf')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (id: string, options: { format: string; out?: string }, command: Command) => {
      const format = oneOf(command, '--format', options.format, EXPORT_FORMATS);
      await withContext(async (ctx) => {
        const detail = await incidents.getIncident(ctx, SHELL_READER, id);
        const exportedAt = ctx.clock.now().toISOString();
        const bytes =
          format === 'pdf'
            ? await renderIncidentSummary(detail, exportedAt)
            : `${JSON.stringify({ exportedAt, incident: detail }, null, 2)}\n`;
        const file = writeOut(options.out, bytes);
        if (file !== undefined) io.err(`Wrote ${file}`);
      });
    });
}
