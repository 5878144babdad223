import PDFDocument from 'pdfkit';

/**
 * The PDF summary of an incident (issue 7, item 8): a pure function of the incident as the API
 * presents it, drawn with PDF's built-in Helvetica so that nothing is read from disk. The built-in
 * fonts cover Western European text only; other characters print as `?` rather than as boxes.
 */

type Named = { id: string; name: string };

/** The parts of an `IncidentDetail` the summary prints (the API's detail type fits it). */
export interface SummaryIncident {
  id: string;
  organization: Named;
  title: string;
  status: string;
  severity: string;
  severityReason: string;
  description: string;
  discoveredAt: string;
  reportedAt: string;
  reportingDelaySeconds: number;
  late: boolean;
  noticeDueAt: string;
  nextUpdateDueAt: string | null;
  updateOverdue: boolean;
  finalReportDueAt: string;
  finalReportAt: string | null;
  personalData: boolean;
  dataClasses: readonly string[];
  systems: readonly Named[];
  offerings: readonly Named[];
  recordsAffected: number | null;
  peopleAffected: number | null;
  contact: { name: string; email: string; phone: string | null };
  owner: { name: string; email: string } | null;
  policyVersion: number;
  deadlines: readonly { track: string; hours: number; dueAt: string; met: boolean | null }[];
  /** The security level's own breach-notice figure that applied at intake, if any. */
  levelNotice?: {
    dataClass: string;
    levelTitle: string;
    levelVersion: number;
    hours: number;
  } | null;
  timeline: readonly {
    seq: number;
    type: string;
    at: string;
    actor: { name: string | null; position: string | null } | null;
    data: unknown;
  }[];
  requests: readonly { subject: string; status: string; dueAt: string; overdue: boolean }[];
  actions: readonly {
    kind: string;
    description: string;
    status: string;
    dueAt: string;
    overdue: boolean;
  }[];
  breaches: readonly { dutyCode: string; status: string; severity: string }[];
}

const MARGIN = 50;
const GREY = '#555555';

/** Characters the built-in fonts can draw (Windows-1252); anything else becomes `?`. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
export function printable(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\n' || char === '\t') out += char;
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += ' ';
    else if (code <= 0xff || WIN_ANSI_EXTRA.has(char)) out += char;
    else out += '?';
  }
  return out;
}

/** "2026-12-06 04:05 UTC": instants as people read them, to the minute. */
export function when(instant: string | null): string {
  if (instant === null) return 'not yet';
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A duration in days, hours and minutes, largest first: "1 day 2 hours 5 minutes". */
export function duration(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const parts: [number, string][] = [
    [Math.floor(minutes / 1440), 'day'],
    [Math.floor((minutes % 1440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ];
  const words = parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
  return words.length > 0 ? words.join(' ') : 'less than a minute';
}

const words = (code: string): string => code.replace(/_/g, ' ');
const list = (items: readonly string[]): string => (items.length > 0 ? items.join(', ') : 'none');
const count = (n: number | null): string => (n === null ? 'not known' : n.toLocaleString('en-GB'));

/** One line of a timeline entry's data: its text, note or change, whichever it carries. */
function entryDetail(type: string, data: unknown): string {
  if (data === null || typeof data !== 'object') return '';
  const record = data as Record<string, unknown>;
  const text = (key: string): string | null => {
    const value = record[key];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  const parts: string[] = [];
  // An owner change names people by id; its `name` says who.
  if (type === 'owner_changed') {
    const name = text('name');
    return name === null ? 'no owner' : `to ${name}`;
  }
  const from = text('from');
  const to = text('to');
  if (from !== null && to !== null) parts.push(`${words(from)} to ${words(to)}`);
  else if (to !== null) parts.push(`to ${words(to)}`);
  for (const key of [
    'severity',
    'subject',
    'kind',
    'dutyCode',
    'title',
    'description',
    'text',
    'note',
    'reason',
  ]) {
    const value = text(key);
    if (value !== null) parts.push(key === 'kind' || key === 'severity' ? words(value) : value);
  }
  const detail = parts.join(': ');
  return detail.length > 600 ? `${detail.slice(0, 600)}…` : detail;
}

/** Renders the summary; `generatedAt` is printed and stamped as the document's date. */
export function renderIncidentSummary(
  incident: SummaryIncident,
  generatedAt: string,
): Promise<Buffer> {
  const created = new Date(generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: printable(`Incident summary: ${incident.title}`),
      Author: printable(incident.organization.name),
      Subject: `Incident ${incident.id}`,
      Creator: 'Cloud Office',
      Producer: 'Cloud Office',
      CreationDate: created,
      ModDate: created,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const heading = (text: string): void => {
    if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('black').text(text, MARGIN);
    doc.moveDown(0.2);
  };
  const field = (label: string, value: string): void => {
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .fillColor('black')
      .text(`${label}: `, MARGIN, undefined, { continued: true, width })
      .font('Helvetica')
      .text(printable(value), { width });
  };
  const paragraph = (text: string, color = 'black'): void => {
    doc.font('Helvetica').fontSize(10).fillColor(color).text(printable(text), MARGIN, undefined, {
      width,
    });
  };
  const bullet = (text: string): void => {
    doc
      .font('Helvetica')
      .fontSize(10)
      .fillColor('black')
      .text(`•  ${printable(text)}`, MARGIN + 10, undefined, { width: width - 10 });
  };

  doc.font('Helvetica').fontSize(9).fillColor(GREY).text('CLOUD OFFICE  ·  INCIDENT SUMMARY');
  doc.moveDown(0.3).font('Helvetica-Bold').fontSize(18).fillColor('black');
  doc.text(printable(incident.title), { width });
  doc.moveDown(0.2);
  paragraph(`Reported by ${incident.organization.name}`, GREY);
  paragraph(`Incident ${incident.id}`, GREY);

  heading('Status');
  field('Status', words(incident.status));
  field('Severity', `${incident.severity}: ${incident.severityReason}`);
  field('Owner', incident.owner ? `${incident.owner.name} <${incident.owner.email}>` : 'none yet');

  heading('Reporting');
  field('Discovered', when(incident.discoveredAt));
  field('Reported', when(incident.reportedAt));
  field(
    'Reporting delay',
    `${duration(incident.reportingDelaySeconds)}${incident.late ? ' (LATE: after the notice deadline)' : ' (on time)'}`,
  );
  field('Initial notice due', when(incident.noticeDueAt));
  for (const deadline of incident.deadlines) {
    const met = deadline.met === null ? '' : deadline.met ? ', met' : ', missed';
    field(
      `Deadline (${words(deadline.track)})`,
      `${deadline.hours} hour${deadline.hours === 1 ? '' : 's'}, due ${when(deadline.dueAt)}${met}`,
    );
  }
  const notice = incident.levelNotice;
  if (notice) {
    field(
      "The level's figure",
      `${notice.levelTitle} (version ${notice.levelVersion}), the level of ${notice.dataClass} data, sets ${notice.hours} hour${notice.hours === 1 ? '' : 's'} for the first notice`,
    );
  }
  field(
    'Next update due',
    incident.nextUpdateDueAt === null
      ? 'no further updates due'
      : `${when(incident.nextUpdateDueAt)}${incident.updateOverdue ? ' (OVERDUE)' : ''}`,
  );
  field(
    'Final report',
    incident.finalReportAt === null
      ? `due ${when(incident.finalReportDueAt)}`
      : `received ${when(incident.finalReportAt)}`,
  );
  field('Policy version', String(incident.policyVersion));

  heading('What was affected');
  field('Systems', list(incident.systems.map((s) => s.name)));
  field('Offerings', list(incident.offerings.map((o) => o.name)));
  field('Data classes', list(incident.dataClasses));
  field('Personal data', incident.personalData ? 'yes' : 'no');
  field('Records affected', count(incident.recordsAffected));
  field('People affected', count(incident.peopleAffected));

  heading('Contact');
  field('Name', incident.contact.name);
  field('E-mail', incident.contact.email);
  if (incident.contact.phone !== null) field('Phone', incident.contact.phone);

  heading('What happened');
  paragraph(incident.description);

  heading(`Timeline (${incident.timeline.length})`);
  for (const entry of incident.timeline) {
    const who = entry.actor
      ? [entry.actor.name, entry.actor.position].filter((p) => p !== null).join(', ')
      : '';
    const detail = entryDetail(entry.type, entry.data);
    bullet(
      `${when(entry.at)}  ${words(entry.type)}${who ? ` (${who})` : ''}${detail ? `: ${detail}` : ''}`,
    );
  }

  heading(`Report requests (${incident.requests.length})`);
  if (incident.requests.length === 0) paragraph('None.', GREY);
  for (const request of incident.requests) {
    bullet(
      `${request.subject}: ${words(request.status)}, due ${when(request.dueAt)}${request.overdue ? ' (OVERDUE)' : ''}`,
    );
  }

  heading(`Response actions (${incident.actions.length})`);
  if (incident.actions.length === 0) paragraph('None.', GREY);
  for (const action of incident.actions) {
    bullet(
      `${words(action.kind)}: ${action.description} (${words(action.status)}, due ${when(action.dueAt)}${action.overdue ? ', OVERDUE' : ''})`,
    );
  }

  heading(`Breaches of duty (${incident.breaches.length})`);
  if (incident.breaches.length === 0) paragraph('None.', GREY);
  for (const breach of incident.breaches) {
    bullet(`${breach.dutyCode}: ${breach.severity}, ${words(breach.status)}`);
  }

  // Footers last, once the page count is known; the bottom margin is lifted so that writing in it
  // does not start a new page.
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page += 1) {
    doc.switchToPage(page);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(GREY)
      .text(
        printable(
          `Generated ${when(generatedAt)}  ·  ${incident.title.slice(0, 60)}  ·  page ${page - range.start + 1} of ${range.count}`,
        ),
        MARGIN,
        doc.page.height - MARGIN + 15,
        { width, align: 'center', lineBreak: false },
      );
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
