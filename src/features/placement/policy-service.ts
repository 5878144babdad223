import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { SecurityLevelStatus } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { recordAuditEvent } from '../audit/service.js';
import { auditActor, positionFor, type RequestContext } from '../identity/actor.js';
import { DEFAULT_LEVELS } from '../levels/seed.js';
import type { Power } from '../office/positions.js';
import type { PolicyLevel, PolicyPack } from './model.js';
import * as repo from './policy-repo.js';
import { reevaluateAllSystems } from './decisions-service.js';
import { validatePack } from './validate.js';

/**
 * The rules of the policy pack, as the security levels have them: the pack changes only through a
 * draft (one open at a time), which a holder of `propose_policy` edits and proposes and a holder of
 * `approve_policy` approves (or returns with a reason) and publishes. A draft that `validatePack`
 * finds fault with may be saved and shown with its problems, but not proposed, approved or
 * published. A published version never changes.
 */

type Db = AppContext['db'];

/** The pack a version row holds. */
export function storedPack(row: Pick<repo.PolicyVersionRow, 'pack'>): PolicyPack {
  return JSON.parse(row.pack) as PolicyPack;
}

/**
 * The security levels a pack may name: those in the database, or, before the levels' own seeding
 * has put them there, the four every installation gets.
 */
export async function knownLevels(db: Db): Promise<PolicyLevel[]> {
  const stored = await repo.levelRanks(db);
  return stored.length > 0
    ? stored
    : DEFAULT_LEVELS.map(({ code, rank, title }) => ({ code, rank, title }));
}

/** What stops a pack from being published, each problem with a JSON pointer into the pack. */
export async function packProblems(db: Db, pack: PolicyPack): Promise<ProblemIssue[]> {
  return validatePack(pack, await knownLevels(db)).map((p) => ({
    in: 'pack',
    pointer: p.pointer,
    message: p.message,
  }));
}

function packInvalid(version: number, doing: string, problems: readonly ProblemIssue[]): AppError {
  const first = problems[0];
  const where = first && first.pointer !== '' ? ` (at ${first.pointer})` : '';
  return new AppError(
    422,
    'policy_pack_invalid',
    `Version ${version} of the policy pack cannot be ${doing}: ${first?.message ?? 'unknown problem'}${where}` +
      (problems.length > 1 ? `, and ${problems.length - 1} more problem(s), listed` : '') +
      '. Nothing was changed.',
    problems,
  );
}

// ---------------------------------------------------------------------------------------------
// Published versions (public)

/** The pack in force: the latest published version. */
export async function currentPolicy(
  db: Db,
): Promise<{ row: repo.PolicyVersionRow; pack: PolicyPack }> {
  const row = await repo.latestPublished(db);
  if (!row) throw noPublishedPolicy();
  return { row, pack: storedPack(row) };
}

function noPublishedPolicy(): AppError {
  return AppError.conflict(
    'no_published_policy',
    'No policy pack has been published yet; the default pack is put in place when the server starts or `cloud-office migrate` runs.',
  );
}

/** Parsed packs of published versions, per database handle (a transaction is not cached). */
const publishedPacks = new WeakMap<object, Map<number, Readonly<PolicyPack>>>();

/**
 * A published version's pack, read and parsed once per version and database handle, since a
 * published version never changes; undefined when there is no such published version. Callers must
 * not modify the pack.
 */
export async function publishedPack(
  db: Db,
  version: number,
): Promise<Readonly<PolicyPack> | undefined> {
  let byVersion = publishedPacks.get(db);
  if (!byVersion) {
    byVersion = new Map();
    publishedPacks.set(db, byVersion);
  }
  let pack = byVersion.get(version);
  if (!pack) {
    const row = await repo.findVersion(db, version);
    if (row?.status !== 'published') return undefined;
    pack = storedPack(row);
    byVersion.set(version, pack);
  }
  return pack;
}

/**
 * The pack in force and its version, for hot paths (report intake): one small query for the
 * latest version's number, and the pack itself from `publishedPack`.
 */
export async function policyInForce(
  db: Db,
): Promise<{ version: number; pack: Readonly<PolicyPack> }> {
  const version = await repo.latestPublishedNumber(db);
  const pack = version === undefined ? undefined : await publishedPack(db, version);
  if (version === undefined || !pack) throw noPublishedPolicy();
  return { version, pack };
}

export async function getPublishedVersion(
  ctx: AppContext,
  version: number | null,
): Promise<repo.PolicyVersionRow> {
  const row =
    version === null ? await repo.latestPublished(ctx.db) : await repo.findVersion(ctx.db, version);
  if (!row || row.status !== 'published') {
    throw AppError.notFound(
      version === null
        ? 'No policy pack has been published yet.'
        : `There is no published version ${version} of the policy pack.`,
    );
  }
  return row;
}

export function publishedVersions(ctx: AppContext): Promise<repo.PolicyVersionSummaryRow[]> {
  return repo.listVersions(ctx.db, ['published']);
}

// ---------------------------------------------------------------------------------------------
// Drafts

/** The open version (draft, proposed or approved), or a 404 saying there is none. */
export async function getOpenVersion(ctx: AppContext): Promise<repo.PolicyVersionRow> {
  const row = await repo.findOpenVersion(ctx.db);
  if (!row) {
    throw new AppError(
      404,
      'no_open_draft',
      'The policy pack has no open draft; start one from the latest published version.',
    );
  }
  return row;
}

function stamp(request: RequestContext, power: Power) {
  return { userId: request.actor?.userId ?? null, position: positionFor(request.actor, power) };
}

function openDraftExists(): AppError {
  return AppError.conflict(
    'open_draft_exists',
    'The policy pack already has an open draft; finish or discard it before starting another.',
  );
}

function notEditable(row: repo.PolicyVersionRow): AppError {
  return AppError.conflict(
    'draft_not_editable',
    `Version ${row.version} of the policy pack is ${row.status} and can no longer be edited` +
      (row.status === 'published'
        ? ': a published version never changes.'
        : '; it must be returned to draft first.'),
  );
}

/** Starts a draft of the next version from a copy of the latest published pack. */
export async function startDraft(
  ctx: AppContext,
  request: RequestContext,
): Promise<repo.PolicyVersionRow> {
  const base = await repo.latestPublished(ctx.db);
  if (!base) {
    throw AppError.conflict(
      'nothing_to_start_from',
      'The policy pack has no published version to start a draft from.',
    );
  }
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  const by = stamp(request, 'propose_policy');
  try {
    await ctx.db.transaction().execute(async (trx) => {
      if (await repo.findOpenVersion(trx)) throw openDraftExists();
      await repo.insertVersion(trx, {
        id,
        version: base.version + 1,
        status: 'draft',
        open_key: repo.OPEN,
        based_on_version: base.version,
        pack: base.pack,
        created_by_user_id: by.userId,
        created_by_position: by.position,
        created_at: at,
        updated_at: at,
      });
      await recordAuditEvent(
        trx,
        {
          actor: auditActor(request.actor, 'propose_policy'),
          action: 'policy.draft_start',
          outcome: 'success',
          target: { type: 'policy_version', id },
          summary: { after: { version: base.version + 1, basedOn: base.version } },
          requestId: request.requestId,
        },
        ctx.clock,
      );
    });
  } catch (error) {
    // Two officers starting a draft at once: the unique open key lets one through.
    if (isUniqueViolation(error)) throw openDraftExists();
    throw error;
  }
  return getOpenVersion(ctx);
}

/** A short account of a pack for the audit trail: what it covers, not all it says. */
function packSummary(pack: PolicyPack) {
  return {
    homeCountry: pack.homeCountry,
    classes: pack.classes.map((c) => c.code),
    rules: pack.rules.map(
      (r) => `${r.classCode}: ${r.minimumLevel}, ${r.deploymentModels.join('/')}`,
    ),
    nocRules: pack.nocRules.map(
      (r) => `${r.classCode}: ${r.deviations.join('/')} ≤ ${r.maxMonths} months`,
    ),
  };
}

/**
 * Replaces the draft's whole pack. The body was checked for shape by the route; what the pack
 * means is checked when the draft is shown (its problems) and before it is proposed.
 */
export async function replaceDraftPack(
  ctx: AppContext,
  pack: PolicyPack,
  request: RequestContext,
): Promise<repo.PolicyVersionRow> {
  const row = await getOpenVersion(ctx);
  if (row.status !== 'draft') throw notEditable(row);
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await repo.updateOpenVersion(trx, row.id, 'draft', {
      pack: JSON.stringify(pack),
      updated_at: at,
    });
    if (!changed) throw notEditable(row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'propose_policy'),
        action: 'policy.draft_replace',
        outcome: 'success',
        target: { type: 'policy_version', id: row.id },
        summary: {
          before: packSummary(storedPack(row)),
          after: { version: row.version, ...packSummary(pack) },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  return getOpenVersion(ctx);
}

/** Discards a draft that has not been proposed. */
export async function discardDraft(ctx: AppContext, request: RequestContext): Promise<void> {
  const row = await getOpenVersion(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteDraft(trx, row.id))) throw notEditable(row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'propose_policy'),
        action: 'policy.draft_discard',
        outcome: 'success',
        target: { type: 'policy_version', id: row.id },
        summary: { before: { version: row.version, status: row.status } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}

export type Step = 'propose' | 'approve' | 'return' | 'publish';

const STEPS: Record<
  Step,
  {
    from: readonly SecurityLevelStatus[];
    to: SecurityLevelStatus;
    power: Power;
    verb: string;
    done: string;
  }
> = {
  propose: {
    from: ['draft'],
    to: 'proposed',
    power: 'propose_policy',
    verb: 'propose',
    done: 'proposed',
  },
  approve: {
    from: ['proposed'],
    to: 'approved',
    power: 'approve_policy',
    verb: 'approve',
    done: 'approved',
  },
  return: {
    from: ['proposed', 'approved'],
    to: 'draft',
    power: 'approve_policy',
    verb: 'return',
    done: 'returned',
  },
  publish: {
    from: ['approved'],
    to: 'published',
    power: 'approve_policy',
    verb: 'publish',
    done: 'published',
  },
};

/**
 * Moves the open version one step: propose, approve, return (with a reason) or publish. Every
 * step but return first checks the pack with `validatePack` (the levels may have changed since the
 * last step) and refuses, changing nothing, if it finds a problem. Publication closes the version:
 * from then on its row never changes.
 */
export async function advance(
  ctx: AppContext,
  step: Step,
  request: RequestContext,
  reason?: string,
): Promise<repo.PolicyVersionRow> {
  const rule = STEPS[step];
  const row = await getOpenVersion(ctx);
  if (!rule.from.includes(row.status)) {
    throw AppError.conflict(
      'wrong_status',
      `Cannot ${rule.verb} version ${row.version} of the policy pack: it is ${row.status}, and this needs it ${rule.from.join(' or ')}.`,
    );
  }
  const trimmed = reason?.trim() ?? '';
  if (step === 'return' && trimmed === '') {
    throw AppError.badRequest(
      'reason_required',
      'Say why the draft is returned; the proposer sees it.',
      [{ in: 'body', pointer: '/reason', message: 'is required' }],
    );
  }
  if (step !== 'return') {
    const problems = await packProblems(ctx.db, storedPack(row));
    if (problems.length > 0) throw packInvalid(row.version, rule.done, problems);
  }
  const at = ctx.clock.now().toISOString();
  const by = stamp(request, rule.power);
  const changes =
    step === 'propose'
      ? { proposed_by_user_id: by.userId, proposed_by_position: by.position, proposed_at: at }
      : step === 'approve'
        ? { approved_by_user_id: by.userId, approved_by_position: by.position, approved_at: at }
        : step === 'return'
          ? {
              returned_by_user_id: by.userId,
              returned_by_position: by.position,
              returned_at: at,
              return_reason: trimmed,
            }
          : {
              published_by_user_id: by.userId,
              published_by_position: by.position,
              published_at: at,
              open_key: null,
            };
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await repo.updateOpenVersion(trx, row.id, row.status, {
      ...changes,
      status: rule.to,
      updated_at: at,
    });
    if (!changed) {
      throw AppError.conflict(
        'changed_meanwhile',
        `Version ${row.version} of the policy pack changed while you were acting on it; reload and try again.`,
      );
    }
    // Every placement is decided again under the version just published, in this transaction:
    // the version and the flags it causes commit together, or neither does.
    if (step === 'publish') {
      await reevaluateAllSystems(ctx, trx, 'policy_published', {
        actor: auditActor(request.actor, rule.power),
        requestId: request.requestId,
      });
    }
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, rule.power),
        action: `policy.${step}`,
        outcome: 'success',
        target: { type: 'policy_version', id: row.id },
        summary: {
          before: { status: row.status },
          after: { version: row.version, status: rule.to },
          ...(step === 'return' ? { reason: trimmed } : {}),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const after = await repo.findVersion(ctx.db, row.version);
  if (!after) throw new Error('the policy version disappeared');
  return after;
}
