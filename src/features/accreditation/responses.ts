import type { Catalog, Control, Group } from '../../oscal/model.js';
import { forEachControl } from '../../oscal/walk.js';
import { isWithdrawn } from '../catalogs/flatten.js';

/**
 * A provider's answers to the controls of the level it seeks (issue 5, item 2): per control, how
 * far it is implemented, who is responsible (the provider, the customer or both: together this is
 * the offering's customer responsibility matrix), a narrative, and evidence. Pure: no I/O. The
 * service stores responses against the published level version the application is pinned to and
 * calls `validateResponses` and `progress` with that version's resolved catalog.
 *
 * Withdrawn controls need no answer. A resolved level can carry a control its catalog marks
 * withdrawn (prop `status` = `withdrawn`, as NIST marks the 182 of SP 800-53 rev 5) when a profile
 * includes a whole catalog; such a control has no requirement left to meet, so it is left out of
 * the total, and an answer to it is refused as pointless rather than counted.
 */

export const RESPONSE_STATUSES = ['implemented', 'partial', 'planned', 'not_applicable'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export const RESPONSIBILITIES = ['provider', 'customer', 'shared'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

/** One control's answer. */
export interface ControlResponse {
  controlId: string;
  status: ResponseStatus;
  responsibility: Responsibility;
  /** How the control is met (or, for partial and planned, how far and by when). */
  narrative: string;
  /** Why the control does not apply; required for `not_applicable`, refused otherwise. */
  reason: string | null;
  /** Stored documents (src/features/documents) offered as evidence. */
  evidenceDocumentIds: string[];
  /** What the customer must do; required when the customer is responsible or shares it. */
  customerResponsibility: string | null;
}

/** One thing wrong with an answer: an RFC 6901 pointer into the input and a message. */
export interface FieldIssue {
  pointer: string;
  message: string;
}

/** Longest texts we accept: a long narrative is a document, and belongs in the evidence. */
export const LIMITS = {
  narrative: 20_000,
  reason: 5_000,
  customerResponsibility: 10_000,
  evidenceDocuments: 50,
} as const;

/** An OSCAL token, the form every control id takes. */
const TOKEN = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;

const hasText = (value: string | null | undefined): value is string =>
  typeof value === 'string' && value.trim() !== '';

/**
 * The rules of one answer, as issues with pointers relative to `base` (`/responses/3` in a list).
 * The shape (types, enums) is the route schema's job; this checks what a schema cannot say.
 */
export function validateResponse(response: ControlResponse, base = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (field: string, message: string): void => {
    issues.push({ pointer: `${base}/${field}`, message });
  };

  if (!TOKEN.test(response.controlId)) {
    at('controlId', `"${response.controlId}" is not a control id`);
  }
  if (!RESPONSE_STATUSES.includes(response.status)) {
    at('status', `must be one of ${RESPONSE_STATUSES.join(', ')}`);
  }
  if (!RESPONSIBILITIES.includes(response.responsibility)) {
    at('responsibility', `must be one of ${RESPONSIBILITIES.join(', ')}`);
  }

  // A reason alone answers "not applicable"; every other status must say how.
  if (response.status !== 'not_applicable' && !hasText(response.narrative)) {
    at('narrative', `say how the control is ${statusWords(response.status)}`);
  }
  if (response.narrative.length > LIMITS.narrative) {
    at('narrative', `is ${response.narrative.length} characters; at most ${LIMITS.narrative}`);
  }

  if (response.status === 'not_applicable') {
    if (!hasText(response.reason)) at('reason', 'say why the control does not apply');
  } else if (response.reason !== null && response.reason !== '') {
    at('reason', 'only a control answered not applicable takes a reason');
  }
  if (response.reason && response.reason.length > LIMITS.reason) {
    at('reason', `is ${response.reason.length} characters; at most ${LIMITS.reason}`);
  }

  // The customer responsibility matrix is only useful if every customer duty is spelled out,
  // and only honest if a control the provider alone meets puts no duty on the customer.
  if (response.responsibility === 'provider') {
    if (response.customerResponsibility !== null && response.customerResponsibility !== '') {
      at(
        'customerResponsibility',
        'the provider alone is responsible; choose shared if the customer has a part',
      );
    }
  } else if (!hasText(response.customerResponsibility)) {
    at(
      'customerResponsibility',
      `say what the customer must do (the responsibility is ${response.responsibility})`,
    );
  }
  if (
    response.customerResponsibility &&
    response.customerResponsibility.length > LIMITS.customerResponsibility
  ) {
    at(
      'customerResponsibility',
      `is ${response.customerResponsibility.length} characters; at most ${LIMITS.customerResponsibility}`,
    );
  }

  const seen = new Set<string>();
  if (response.evidenceDocumentIds.length > LIMITS.evidenceDocuments) {
    at(
      'evidenceDocumentIds',
      `lists ${response.evidenceDocumentIds.length} documents; at most ${LIMITS.evidenceDocuments}`,
    );
  }
  response.evidenceDocumentIds.forEach((id, index) => {
    if (!hasText(id)) at(`evidenceDocumentIds/${index}`, 'is empty');
    else if (seen.has(id)) at(`evidenceDocumentIds/${index}`, `lists document ${id} twice`);
    seen.add(id);
  });
  return issues;
}

function statusWords(status: ResponseStatus): string {
  switch (status) {
    case 'implemented':
      return 'implemented';
    case 'partial':
      return 'partly implemented, and what remains';
    case 'planned':
      return 'to be implemented, and by when';
    case 'not_applicable':
      return 'not applicable';
  }
}

/**
 * A set of answers against a resolved level: each answer's own rules (`validateResponse`), plus
 * one answer per control, only to controls of the level, and none to withdrawn controls. Pointers
 * are `/<index>/<field>` into the list.
 */
export function validateResponses(
  resolvedCatalog: Catalog,
  responses: readonly ControlResponse[],
): FieldIssue[] {
  const controls = new Map<string, Control>();
  forEachControl(resolvedCatalog, (control) => {
    controls.set(control.id, control);
  });
  const issues: FieldIssue[] = [];
  const first = new Map<string, number>();
  responses.forEach((response, index) => {
    issues.push(...validateResponse(response, `/${index}`));
    const control = controls.get(response.controlId);
    const pointer = `/${index}/controlId`;
    if (!control) {
      issues.push({ pointer, message: `${response.controlId} is not a control of this level` });
    } else if (isWithdrawn(control)) {
      issues.push({ pointer, message: `${response.controlId} is withdrawn and needs no answer` });
    }
    const earlier = first.get(response.controlId);
    if (earlier !== undefined) {
      issues.push({ pointer, message: `${response.controlId} is already answered at /${earlier}` });
    } else {
      first.set(response.controlId, index);
    }
  });
  return issues;
}

/** Counts for one slice of the level (the whole, or one group). */
export interface ProgressCounts {
  /** Controls that need an answer (withdrawn ones excluded). */
  total: number;
  answered: number;
  byStatus: Record<ResponseStatus, number>;
  byResponsibility: Record<Responsibility, number>;
}

export interface GroupProgress extends ProgressCounts {
  /** The top-level group's id (a NIST family, one of our domains); null for ungrouped controls. */
  id: string | null;
  title: string;
}

export interface ResponseProgress extends ProgressCounts {
  /** Every answer is in. */
  complete: boolean;
  /** Whole percent answered, rounded down so that 100 means complete. */
  percent: number;
  /** Controls still to answer, in catalog order. */
  unanswered: string[];
  /** Implemented or partial answers that cite no evidence yet, in catalog order. */
  withoutEvidence: string[];
  /** Withdrawn controls in the level, which need no answer. */
  withdrawn: string[];
  /** Answers to controls the level does not require (unknown or withdrawn); not counted. */
  ignored: string[];
  /** Per top-level group, in catalog order. */
  groups: GroupProgress[];
}

function emptyCounts(): ProgressCounts {
  return {
    total: 0,
    answered: 0,
    byStatus: { implemented: 0, partial: 0, planned: 0, not_applicable: 0 },
    byResponsibility: { provider: 0, customer: 0, shared: 0 },
  };
}

function count(counts: ProgressCounts, response: ControlResponse | undefined): void {
  counts.total += 1;
  if (!response) return;
  counts.answered += 1;
  counts.byStatus[response.status] += 1;
  counts.byResponsibility[response.responsibility] += 1;
}

const UNGROUPED = 'Other controls';

/**
 * How far the answers are against a resolved level, overall and per top-level group, for the
 * provider's progress bar and the Director Cloud Adoption's completeness check. If a control is
 * answered twice (which `validateResponses` refuses), the later answer counts.
 */
export function progress(
  resolvedCatalog: Catalog,
  responses: readonly ControlResponse[],
): ResponseProgress {
  const byControl = new Map<string, ControlResponse>();
  for (const response of responses) byControl.set(response.controlId, response);

  const overall = emptyCounts();
  const unanswered: string[] = [];
  const withoutEvidence: string[] = [];
  const withdrawn: string[] = [];
  const required = new Set<string>();
  const groups = new Map<Group | null, GroupProgress>();

  forEachControl(resolvedCatalog, (control, _parent, path) => {
    if (isWithdrawn(control)) {
      withdrawn.push(control.id);
      return;
    }
    required.add(control.id);
    const top = path[0] ?? null;
    let group = groups.get(top);
    if (!group) {
      group = { id: top?.id ?? null, title: top?.title ?? UNGROUPED, ...emptyCounts() };
      groups.set(top, group);
    }
    const response = byControl.get(control.id);
    count(overall, response);
    count(group, response);
    if (!response) unanswered.push(control.id);
    else if (
      (response.status === 'implemented' || response.status === 'partial') &&
      response.evidenceDocumentIds.length === 0
    ) {
      withoutEvidence.push(control.id);
    }
  });

  const ignored = [...byControl.keys()].filter((id) => !required.has(id));
  return {
    ...overall,
    complete: overall.answered === overall.total,
    percent: overall.total === 0 ? 100 : Math.floor((overall.answered * 100) / overall.total),
    unanswered,
    withoutEvidence,
    withdrawn,
    ignored,
    groups: [...groups.values()],
  };
}
