import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Database, HostingKind, PseSystemStatus, PseSystemsTable } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, isOfficeStaff, type Actor, type RequestContext } from '../identity/actor.js';
import type { Role } from '../identity/roles.js';
import { isCountryCode } from '../offerings/countries.js';
import { checkAnswers, classify } from './classify.js';
import { reevaluateSystems } from './decisions-service.js';
import type { Classification, ClassificationAnswers, PolicyPack } from './model.js';
import { currentPolicy, storedPack } from './policy-service.js';
import * as policyRepo from './policy-repo.js';
import * as repo from './systems-repo.js';

/**
 * PSE systems: a public service entity's staff register their information systems (what they are
 * for, who owns and uses them, where they run and are proposed to run) and classify their data
 * with the policy's questionnaire. Officers of the Cloud Office read every system; a PSE reads its
 * own (the route's tenant check answers 404 for another's). Every change is audited in its
 * transaction; a refusal stores nothing.
 */

/** The PSE roles that may register, change and classify their organization's systems. */
export const SYSTEM_EDITOR_ROLES: readonly Role[] = ['pse_admin', 'pse_data_owner', 'pse_staff'];
/** The PSE roles that may archive a system. */
export const SYSTEM_ARCHIVER_ROLES: readonly Role[] = ['pse_admin', 'pse_data_owner'];

/** Where a system runs, as the API takes it: an offering by id, or a facility described. */
export interface HostingInput {
  kind: HostingKind;
  offeringId?: string;
  name?: string;
  country?: string;
  operator?: string;
}

export interface SystemInput {
  name: string;
  purpose: string;
  owner: { name: string; email: string };
  users: { description: string; approximateCount: number };
  currentHosting?: HostingInput | null;
  proposedHosting?: HostingInput | null;
}

export type SystemPatch = Partial<SystemInput>;

/**
 * The questionnaire as the API takes it: every answer may be missing, so that `checkAnswers` can
 * name each one that is (422 with pointers) rather than the body check refusing the first.
 */
export interface QuestionnaireAnswers {
  informationTypes: {
    name?: string;
    confidentiality?: string;
    integrity?: string;
    availability?: string;
    markings?: string[];
  }[];
}

function tidy(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

function issue(pointer: string, message: string): ProblemIssue {
  return { in: 'body', pointer, message };
}

type HostingColumns = Pick<
  PseSystemsTable,
  | 'current_kind'
  | 'current_offering_id'
  | 'current_facility_name'
  | 'current_facility_country'
  | 'current_facility_operator'
>;

/** A hosting as the `current_*` columns hold it (the `proposed_*` ones are renamed from these). */
function hostingColumns(hosting: HostingInput | null): HostingColumns {
  if (hosting === null) {
    return {
      current_kind: null,
      current_offering_id: null,
      current_facility_name: null,
      current_facility_country: null,
      current_facility_operator: null,
    };
  }
  const offering = hosting.kind === 'offering';
  return {
    current_kind: hosting.kind,
    current_offering_id: offering ? (hosting.offeringId ?? null) : null,
    current_facility_name: offering ? null : tidy(hosting.name ?? ''),
    current_facility_country: offering ? null : (hosting.country ?? null),
    current_facility_operator: offering ? null : tidy(hosting.operator ?? ''),
  };
}

function proposedColumns(hosting: HostingInput | null) {
  const c = hostingColumns(hosting);
  return {
    proposed_kind: c.current_kind,
    proposed_offering_id: c.current_offering_id,
    proposed_facility_name: c.current_facility_name,
    proposed_facility_country: c.current_facility_country,
    proposed_facility_operator: c.current_facility_operator,
  };
}

const FACILITY_FIELDS = ['name', 'country', 'operator'] as const;

/**
 * What is wrong with a hosting: an offering needs an `offeringId` that names an offering that
 * exists (accredited or not: a system may run today on an offering that is not, which placement
 * will then say); a private cloud or on-premises facility needs its name, country and operator.
 */
async function hostingIssues(
  db: Kysely<Database>,
  at: string,
  hosting: HostingInput,
): Promise<ProblemIssue[]> {
  const issues: ProblemIssue[] = [];
  if (hosting.kind === 'offering') {
    for (const field of FACILITY_FIELDS) {
      if (hosting[field] !== undefined)
        issues.push(
          issue(`${at}/${field}`, `describes a facility; an offering is named by offeringId only`),
        );
    }
    if (hosting.offeringId === undefined) {
      issues.push(issue(`${at}/offeringId`, 'is required when the kind is "offering"'));
    } else if (!(await repo.offeringExists(db, hosting.offeringId))) {
      issues.push(
        issue(
          `${at}/offeringId`,
          `there is no offering ${JSON.stringify(hosting.offeringId)}; name one from the register of cloud service offerings`,
        ),
      );
    }
    return issues;
  }
  if (hosting.offeringId !== undefined) {
    issues.push(
      issue(`${at}/offeringId`, `is only for the kind "offering" (got kind "${hosting.kind}")`),
    );
  }
  for (const field of FACILITY_FIELDS) {
    const value = hosting[field];
    if (value === undefined || value.trim() === '') {
      issues.push(
        issue(
          `${at}/${field}`,
          `is required for a ${hosting.kind === 'private_cloud' ? 'private cloud' : 'on-premises facility'}`,
        ),
      );
    }
  }
  if (hosting.country !== undefined && !isCountryCode(hosting.country)) {
    issues.push(
      issue(
        `${at}/country`,
        `must be an ISO 3166-1 alpha-2 country code in capitals, such as PK or DE (got ${JSON.stringify(hosting.country)})`,
      ),
    );
  }
  return issues;
}

function refuse(issues: readonly ProblemIssue[]): AppError {
  return new AppError(
    422,
    'system_invalid',
    `The system cannot be stored: ${issues.map((i) => `${i.pointer}: ${i.message}`).join('; ')}. Nothing was changed.`,
    issues,
  );
}

/** Checks both hostings (as they will be after the change) and that the system runs somewhere. */
async function checkHostings(
  db: Kysely<Database>,
  current: { value: HostingInput | null; sent: boolean },
  proposed: { value: HostingInput | null; sent: boolean },
): Promise<void> {
  const issues: ProblemIssue[] = [];
  if (current.sent && current.value)
    issues.push(...(await hostingIssues(db, '/currentHosting', current.value)));
  if (proposed.sent && proposed.value)
    issues.push(...(await hostingIssues(db, '/proposedHosting', proposed.value)));
  if (current.value === null && proposed.value === null) {
    issues.push(
      issue(
        current.sent ? '/currentHosting' : '/proposedHosting',
        'say where the system runs now (currentHosting), where it is proposed to run (proposedHosting), or both',
      ),
    );
  }
  if (issues.length > 0) throw refuse(issues);
}

function checkMayEdit(actor: Actor, roles: readonly Role[], doing: string): void {
  if (actor.organizationKind !== 'pse' || !roles.includes(actor.role)) {
    throw new AppError(
      403,
      'forbidden',
      `Only a public service entity's ${roles.join(', ')} may ${doing} its systems; your role is ${actor.role}.`,
    );
  }
}

function nameTaken(name: string): AppError {
  return AppError.conflict(
    'system_exists',
    `Your organization already has a system named "${name}" (names are compared ignoring case).`,
  );
}

function archived(row: Pick<repo.SystemRow, 'name' | 'archived_at'>): AppError {
  const when = row.archived_at === null ? 'a moment ago' : `on ${row.archived_at.slice(0, 10)}`;
  return AppError.conflict(
    'system_archived',
    `The system "${row.name}" was archived ${when}; an archived system does not change.`,
  );
}

async function writing<T>(
  ctx: AppContext,
  name: string,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.db.transaction().execute(work);
  } catch (error) {
    // Two people registering the same name at once: the unique index lets one through.
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
}

/** A hosting as the audit trail records it. */
function hostingSummary(hosting: HostingInput | null): string | null {
  if (hosting === null) return null;
  return hosting.kind === 'offering'
    ? `offering ${hosting.offeringId ?? '?'}`
    : `${hosting.kind} ${hosting.name ?? '?'}, ${hosting.country ?? '?'}, operated by ${hosting.operator ?? '?'}`;
}

/** A stored hosting back in the API's terms. */
export function hostingOf(row: repo.SystemRow, which: 'current' | 'proposed'): HostingInput | null {
  const kind = which === 'current' ? row.current_kind : row.proposed_kind;
  if (kind === null) return null;
  const get = (field: 'offering_id' | 'facility_name' | 'facility_country' | 'facility_operator') =>
    row[`${which}_${field}`] ?? undefined;
  return kind === 'offering'
    ? { kind, offeringId: get('offering_id') }
    : {
        kind,
        name: get('facility_name'),
        country: get('facility_country'),
        operator: get('facility_operator'),
      };
}

/** Registers a system of the actor's organization. */
export async function create(
  ctx: AppContext,
  actor: Actor,
  input: SystemInput,
  request: RequestContext,
): Promise<repo.SystemRecord> {
  checkMayEdit(actor, SYSTEM_EDITOR_ROLES, 'register');
  const current = input.currentHosting ?? null;
  const proposed = input.proposedHosting ?? null;
  await checkHostings(
    ctx.db,
    { value: current, sent: true },
    { value: proposed, sent: input.proposedHosting !== undefined },
  );
  const name = tidy(input.name);
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await writing(ctx, name, async (trx) => {
    if (await repo.findByName(trx, actor.organizationId, name)) throw nameTaken(name);
    await repo.insertSystem(trx, {
      id,
      organization_id: actor.organizationId,
      name,
      purpose: input.purpose.trim(),
      owner_name: tidy(input.owner.name),
      owner_email: input.owner.email.trim(),
      users_description: input.users.description.trim(),
      users_count: input.users.approximateCount,
      ...hostingColumns(current),
      ...proposedColumns(proposed),
      classification_id: null,
      class_code: null,
      status: 'active',
      created_at: at,
      created_by_user_id: actor.userId,
      updated_at: at,
      updated_by_user_id: actor.userId,
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'pse_system.create',
        outcome: 'success',
        target: { type: 'pse_system', id },
        summary: {
          after: {
            organizationId: actor.organizationId,
            name,
            owner: input.owner.email.trim(),
            users: input.users.approximateCount,
            currentHosting: hostingSummary(current),
            proposedHosting: hostingSummary(proposed),
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

/** One system; the route's tenant check has already kept other organizations' users out. */
export async function get(ctx: AppContext, id: string): Promise<repo.SystemRecord> {
  const record = await repo.findSystem(ctx.db, id);
  if (!record) throw AppError.notFound(`There is no system ${JSON.stringify(id)}.`);
  return record;
}

/** Systems a user may see: all in the Cloud Office, their own organization's in a PSE. */
export function list(
  ctx: AppContext,
  actor: Actor,
  filter: repo.SystemFilter,
  page: { limit: number; offset: number },
) {
  return repo.listSystems(
    ctx.db,
    isOfficeStaff(actor) ? filter : { ...filter, onlyOrganizationId: actor.organizationId },
    page,
  );
}

/**
 * Changes a system. Fields sent replace the stored ones (a hosting sent as null removes it); every
 * check passes before anything is written, so a refusal stores nothing.
 */
export async function update(
  ctx: AppContext,
  actor: Actor,
  id: string,
  patch: SystemPatch,
  request: RequestContext,
): Promise<repo.SystemRecord> {
  checkMayEdit(actor, SYSTEM_EDITOR_ROLES, 'change');
  const before = await get(ctx, id);
  if (before.status === 'archived') throw archived(before);
  const current =
    patch.currentHosting === undefined ? hostingOf(before, 'current') : patch.currentHosting;
  const proposed =
    patch.proposedHosting === undefined ? hostingOf(before, 'proposed') : patch.proposedHosting;
  await checkHostings(
    ctx.db,
    { value: current, sent: patch.currentHosting !== undefined },
    { value: proposed, sent: patch.proposedHosting !== undefined },
  );
  const name = patch.name === undefined ? undefined : tidy(patch.name);
  const changes = {
    ...(name !== undefined && { name, name_key: repo.nameKey(name) }),
    ...(patch.purpose !== undefined && { purpose: patch.purpose.trim() }),
    ...(patch.owner !== undefined && {
      owner_name: tidy(patch.owner.name),
      owner_email: patch.owner.email.trim(),
    }),
    ...(patch.users !== undefined && {
      users_description: patch.users.description.trim(),
      users_count: patch.users.approximateCount,
    }),
    ...(patch.currentHosting !== undefined && hostingColumns(current)),
    ...(patch.proposedHosting !== undefined && proposedColumns(proposed)),
  };
  const changed = Object.keys(changes).filter(
    (key) => key !== 'name_key',
  ) as (keyof typeof changes & keyof repo.SystemRow)[];
  await writing(ctx, name ?? before.name, async (trx) => {
    if (name !== undefined && repo.nameKey(name) !== before.name_key) {
      if (await repo.findByName(trx, before.organization_id, name)) throw nameTaken(name);
    }
    const done = await repo.updateActiveSystem(trx, id, {
      ...changes,
      updated_at: ctx.clock.now().toISOString(),
      updated_by_user_id: actor.userId,
    });
    if (!done) throw archived({ name: before.name, archived_at: null });
    // Moved, or proposed elsewhere: its placement is decided again, in this transaction.
    if (patch.currentHosting !== undefined || patch.proposedHosting !== undefined) {
      await reevaluateSystems(ctx, trx, [id], 'system_moved', {
        actor: auditActor(actor),
        requestId: request.requestId,
      });
    }
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'pse_system.update',
        outcome: 'success',
        target: { type: 'pse_system', id },
        summary: {
          before: Object.fromEntries(changed.map((key) => [key, before[key]])),
          after: Object.fromEntries(changed.map((key) => [key, changes[key]])),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

/** Archives a system: it stays on record, read-only, and leaves the default lists. */
export async function archive(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: string | undefined,
  request: RequestContext,
): Promise<repo.SystemRecord> {
  checkMayEdit(actor, SYSTEM_ARCHIVER_ROLES, 'archive');
  const before = await get(ctx, id);
  if (before.status === 'archived') throw archived(before);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const done = await repo.archiveSystem(trx, id, {
      archived_at: at,
      archived_by_user_id: actor.userId,
      updated_at: at,
    });
    if (!done) throw archived({ name: before.name, archived_at: null });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'pse_system.archive',
        outcome: 'success',
        target: { type: 'pse_system', id },
        summary: {
          before: { status: before.status },
          after: { status: 'archived' satisfies PseSystemStatus },
          ...(reason?.trim() ? { reason: reason.trim() } : {}),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return get(ctx, id);
}

// ---------------------------------------------------------------------------------------------
// Classification

/** A system's classification in force, with the pack it was made under (for class names). */
export interface ClassificationView {
  record: repo.ClassificationRecord;
  classification: Classification;
  answers: ClassificationAnswers;
  pack: PolicyPack;
}

function viewOf(record: repo.ClassificationRecord, pack: PolicyPack): ClassificationView {
  return {
    record,
    pack,
    answers: JSON.parse(record.answers) as ClassificationAnswers,
    classification: {
      classCode: record.class_code,
      securityCategory: JSON.parse(record.security_category) as Classification['securityCategory'],
      perType: JSON.parse(record.per_type) as Classification['perType'],
      rationale: JSON.parse(record.rationale) as string[],
    },
  };
}

/**
 * Answers the questionnaire for a system under the policy in force: answers that `checkAnswers`
 * finds missing or unknown are refused (422, each with a pointer) and nothing is stored; otherwise
 * the class by high-water mark is stored with its rationale, the policy version, who and when, and
 * becomes the system's class.
 */
export async function classifySystem(
  ctx: AppContext,
  actor: Actor,
  id: string,
  sent: QuestionnaireAnswers,
  request: RequestContext,
): Promise<ClassificationView> {
  checkMayEdit(actor, SYSTEM_EDITOR_ROLES, 'classify');
  const system = await get(ctx, id);
  if (system.status === 'archived') throw archived(system);
  const policy = await currentPolicy(ctx.db);
  // checkAnswers reads the answers as untrusted input (it checks their runtime shape); nothing
  // relies on the type until it has found no problem.
  const answers = sent as ClassificationAnswers;
  const problems = checkAnswers(policy.pack, answers).map((p) => issue(p.pointer, p.message));
  if (problems.length > 0) {
    throw new AppError(
      422,
      'classification_answers_invalid',
      `The questionnaire is not complete: ${problems.map((p) => `${p.pointer}: ${p.message}`).join('; ')}. Nothing was stored.`,
      problems,
    );
  }
  const result = classify(policy.pack, answers);
  const classificationId = randomUUID();
  const at = ctx.clock.now().toISOString();
  await classifying(ctx, async (trx) => {
    const revision = (await repo.latestRevision(trx, id)) + 1;
    await repo.insertClassification(trx, {
      id: classificationId,
      system_id: id,
      revision,
      answers: JSON.stringify(answers),
      class_code: result.classCode,
      security_category: JSON.stringify(result.securityCategory),
      per_type: JSON.stringify(result.perType),
      rationale: JSON.stringify(result.rationale),
      policy_version: policy.row.version,
      classified_by_user_id: actor.userId,
      classified_at: at,
    });
    const done = await repo.updateActiveSystem(trx, id, {
      classification_id: classificationId,
      class_code: result.classCode,
      updated_at: at,
      updated_by_user_id: actor.userId,
    });
    if (!done) throw archived({ name: system.name, archived_at: null });
    // Its placement is decided for the new class, in this transaction.
    await reevaluateSystems(ctx, trx, [id], 'system_classified', {
      actor: auditActor(actor),
      requestId: request.requestId,
    });
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(actor),
        action: 'pse_system.classify',
        outcome: 'success',
        target: { type: 'pse_system', id },
        summary: {
          before: { classCode: system.class_code },
          after: {
            classCode: result.classCode,
            revision,
            policyVersion: policy.row.version,
            securityCategory: result.securityCategory,
            informationTypes: answers.informationTypes.map((t) => t.name),
          },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const record = await repo.findClassification(ctx.db, classificationId);
  if (!record) throw new Error('the classification disappeared');
  return viewOf(record, policy.pack);
}

/** Runs a classification's transaction; of two made at once, the second to store gets a 409. */
async function classifying(
  ctx: AppContext,
  work: (trx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  try {
    await ctx.db.transaction().execute(work);
  } catch (error) {
    // Both read the same latest revision; the unique (system, revision) index lets one through.
    if (!isUniqueViolation(error)) throw error;
    throw AppError.conflict(
      'changed_meanwhile',
      'Someone else classified this system at the same moment; reload it and answer again if needed.',
    );
  }
}

/** The classification in force for a system, with its rationale; 404 if it has none yet. */
export async function getClassification(ctx: AppContext, id: string): Promise<ClassificationView> {
  const system = await get(ctx, id);
  const record =
    system.classification_id === null
      ? undefined
      : await repo.findClassification(ctx.db, system.classification_id);
  if (!record) {
    throw new AppError(
      404,
      'not_classified',
      `The system "${system.name}" has not been classified yet; answer the questionnaire (PUT /api/v1/systems/${system.id}/classification).`,
    );
  }
  const version = await policyRepo.findVersion(ctx.db, record.policy_version);
  if (!version) throw new Error(`policy version ${record.policy_version} is missing`);
  return viewOf(record, storedPack(version));
}
