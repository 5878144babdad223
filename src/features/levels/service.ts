import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { SecurityLevelStatus } from '../../db/schema.js';
import { AppError, type ProblemIssue } from '../../errors.js';
import { OscalError, parseOscal } from '../../oscal/document.js';
import { validateOscal } from '../../oscal/validate.js';
import type { Catalog, Parameter, Profile } from '../../oscal/model.js';
import { resolveProfile } from '../../oscal/resolve/index.js';
import { combineSources } from '../../oscal/sources.js';
import { forEachControl, forEachGroup } from '../../oscal/walk.js';
import { recordAuditEvent } from '../audit/service.js';
import { librarySource } from '../catalogs/source.js';
import { auditActor, positionFor, type RequestContext } from '../identity/actor.js';
import type { Power } from '../office/positions.js';
import { diffCatalogs, placedControls, type CatalogDiff } from './diff.js';
import { applyEdits, type DraftEdits } from './edits.js';
import * as repo from './repo.js';
import {
  levelSource,
  pinLevelImports,
  storedProfile,
  unpinLevelImports,
  versionUri,
} from './source.js';

/**
 * The rules of the security levels: a level changes only through a draft (one open at a time),
 * which a holder of `propose_security_level` edits and proposes and a holder of
 * `approve_security_level` approves (or returns with a reason) and publishes. A published version
 * never changes. A draft that does not resolve cannot be proposed, approved or published.
 */

/** An import whose document no source had: a catalog not yet in the library, with the ids it names. */
export interface PendingImport {
  href: string;
  controlIds: string[];
}

/** The outcome of resolving a version's profile: the catalog, or the problems that stop it. */
export interface Resolution {
  catalog: Catalog | null;
  pending: PendingImport[];
  problems: ProblemIssue[];
}

/** A version named as `code@n`; `version` null means the latest published one. */
export interface VersionRef {
  code: string;
  version: number | null;
}

const REF = /^([a-z][a-z0-9-]*)(?:@(\d{1,9}))?$/;

/** Reads `baseline@2` (or `baseline`, the latest published); undefined when it is not of that form. */
export function parseVersionRef(text: string): VersionRef | undefined {
  const match = REF.exec(text.trim().toLowerCase());
  if (!match?.[1]) return undefined;
  return { code: match[1], version: match[2] === undefined ? null : Number(match[2]) };
}

export async function listLevels(ctx: AppContext) {
  const levels = await repo.listLevels(ctx.db);
  return Promise.all(
    levels.map(async (level) => ({ level, latest: await repo.latestPublished(ctx.db, level.id) })),
  );
}

export async function getLevel(ctx: AppContext, code: string): Promise<repo.LevelRow> {
  const level = await repo.findLevelByCode(ctx.db, code);
  if (!level) {
    throw AppError.notFound(
      `There is no security level ${JSON.stringify(code)}; the levels are named by code, e.g. baseline.`,
    );
  }
  return level;
}

export async function publishedVersions(ctx: AppContext, level: repo.LevelRow) {
  return repo.listVersions(ctx.db, level.id, ['published']);
}

/** A published version (the latest when `version` is null); drafts are not public. */
export async function getPublishedVersion(
  ctx: AppContext,
  ref: VersionRef,
): Promise<{ level: repo.LevelRow; row: repo.VersionRow }> {
  const level = await getLevel(ctx, ref.code);
  const row =
    ref.version === null
      ? await repo.latestPublished(ctx.db, level.id)
      : await repo.findVersion(ctx.db, level.id, ref.version);
  if (!row || row.status !== 'published') {
    throw AppError.notFound(
      ref.version === null
        ? `${level.title} has no published version yet.`
        : `${level.title} has no published version ${ref.version}.`,
    );
  }
  return { level, row };
}

/** The resolved catalog stored when the version was published. */
export function publishedCatalog(row: repo.VersionRow): Catalog {
  if (row.resolved_catalog === null) {
    throw new Error(`published version ${row.id} has no resolved catalog`);
  }
  return (JSON.parse(row.resolved_catalog) as { catalog: Catalog }).catalog;
}

export function pendingOf(row: repo.VersionSummaryRow): PendingImport[] {
  return row.pending_imports === null ? [] : (JSON.parse(row.pending_imports) as PendingImport[]);
}

/** Every parameter id anywhere in a catalog: its own, its groups' and its controls'. */
function parameterIds(catalog: Catalog): Set<string> {
  const ids = new Set<string>();
  const add = (holder: { params?: readonly Parameter[] }) => {
    for (const p of holder.params ?? []) ids.add(p.id);
  };
  add(catalog);
  forEachGroup(catalog, add);
  forEachControl(catalog, add);
  return ids;
}

const issue = (pointer: string, message: string): ProblemIssue => ({
  in: 'profile',
  pointer,
  message,
});

/**
 * Resolves a level's profile against the published levels and the catalog library, and checks
 * what the resolver lets pass but a level must not have. Missing documents are reported, not
 * fatal, and then judged here: an import through a back-matter resource (`#uuid`, how our levels
 * name the NIST catalog) whose catalog is not in the library yet is *pending*, and the level
 * works with the rest; any other import that names no document is dangling, a problem. A with-ids
 * id that the resolved catalog does not hold, and a set-parameter of a parameter it does not hold,
 * are problems too, except for parameters of controls that a pending import names (they come with
 * that catalog; `ac-1_prm_1` belongs to `ac-1`).
 */
export async function resolveLevel(
  ctx: AppContext,
  code: string,
  version: number | 'draft',
  profile: Profile,
): Promise<Resolution> {
  const source = combineSources(levelSource(ctx.db), librarySource(ctx.db));
  let resolved;
  try {
    resolved = await resolveProfile(profile, {
      source,
      uri: versionUri(code, version),
      now: ctx.clock.now(),
      missingImports: 'report',
    });
  } catch (error) {
    if (!(error instanceof OscalError)) throw error;
    return {
      catalog: null,
      pending: [],
      problems: [
        issue('', error.summary),
        ...error.issues.map((i) => issue(i.pointer, `${i.message} (rule: ${i.rule})`)),
      ],
    };
  }
  const problems: ProblemIssue[] = [];
  // A `#uuid` import is shown by the document its resource links to (the NIST catalog's file
  // name says more than a uuid); the levels below us name the same resources.
  const resources = new Map(
    (profile['back-matter']?.resources ?? []).map((r) => [r.uuid, r.rlinks?.[0]?.href]),
  );
  const pendingByHref = new Map<string, Set<string>>();
  for (const missing of resolved.missing) {
    const shown =
      (missing.href.startsWith('#') && resources.get(missing.href.slice(1))) || missing.href;
    const ids = pendingByHref.get(shown) ?? new Set<string>();
    for (const id of missing.withIds) ids.add(id);
    pendingByHref.set(shown, ids);
  }
  const controlIds = new Set(placedControls(resolved.catalog).map((p) => p.control.id));
  profile.imports.forEach((entry, i) => {
    // The root profile's own imports are those reported with a chain of one document.
    const missing = resolved.missing.some((m) => m.chain.length === 1 && m.href === entry.href);
    if (missing) {
      if (!entry.href.startsWith('#')) {
        problems.push(
          issue(
            `/profile/imports/${i}/href`,
            `import ${i + 1} names ${JSON.stringify(entry.href)}, which is neither a published level nor a catalog in the library`,
          ),
        );
      }
      return;
    }
    const excluded = new Set((entry['exclude-controls'] ?? []).flatMap((s) => s['with-ids'] ?? []));
    (entry['include-controls'] ?? []).forEach((selection, j) => {
      (selection['with-ids'] ?? []).forEach((id, k) => {
        if (!controlIds.has(id) && !excluded.has(id)) {
          problems.push(
            issue(
              `/profile/imports/${i}/include-controls/${j}/with-ids/${k}`,
              `control ${JSON.stringify(id)} is not in ${JSON.stringify(entry.href)}`,
            ),
          );
        }
      });
    });
  });
  const pending = [...pendingByHref].map(([href, ids]) => ({ href, controlIds: [...ids] }));
  const params = parameterIds(resolved.catalog);
  const pendingIds = pending.flatMap((p) => p.controlIds);
  const pendingAll = pending.some((p) => p.controlIds.length === 0);
  (profile.modify?.['set-parameters'] ?? []).forEach((setting, k) => {
    const id = setting['param-id'];
    if (params.has(id) || pendingAll || pendingIds.some((c) => id.startsWith(`${c}_`))) return;
    problems.push(
      issue(
        `/profile/modify/set-parameters/${k}/param-id`,
        `parameter ${JSON.stringify(id)} is not in the resolved catalog, so it cannot be set`,
      ),
    );
  });
  // The resolver follows the specification even where its result is not a valid catalog (combine
  // "keep" keeps a control that two imports bring, e.g. one the level below already has); a level
  // must be valid OSCAL, so the result is checked like any imported document.
  for (const found of validateOscal({ catalog: resolved.catalog })) {
    problems.push(
      issue(
        '',
        `the resolved catalog would not be valid OSCAL at ${found.pointer || '/'}: ${found.message} (rule: ${found.rule})`,
      ),
    );
  }
  return { catalog: problems.length === 0 ? resolved.catalog : null, pending, problems };
}

function doesNotResolve(title: string, problems: readonly ProblemIssue[]): AppError {
  const first = problems[0];
  const where = first && first.pointer !== '' ? ` at ${first.pointer}` : '';
  return new AppError(
    422,
    'level_does_not_resolve',
    `The draft of ${title} does not resolve, so it cannot go further: ${first?.message ?? 'unknown problem'}${where}` +
      (problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), listed)` : '') +
      '. Nothing was changed.',
    problems,
  );
}

// ---------------------------------------------------------------------------------------------
// Drafts

/** The open version of a level (draft, proposed or approved), or a 404 saying there is none. */
export async function getOpenVersion(
  ctx: AppContext,
  code: string,
): Promise<{ level: repo.LevelRow; row: repo.VersionRow }> {
  const level = await getLevel(ctx, code);
  const row = await repo.findOpenVersion(ctx.db, level.id);
  if (!row) {
    throw new AppError(
      404,
      'no_open_draft',
      `${level.title} has no open draft; start one from the latest published version.`,
    );
  }
  return { level, row };
}

function requireStatus(
  level: repo.LevelRow,
  row: repo.VersionRow,
  allowed: readonly SecurityLevelStatus[],
  doing: string,
): void {
  if (!allowed.includes(row.status)) {
    throw AppError.conflict(
      'wrong_status',
      `Cannot ${doing} version ${row.version} of ${level.title}: it is ${row.status}, and this needs it ${allowed.join(' or ')}.`,
    );
  }
}

function stamp(request: RequestContext, power: Power) {
  return { userId: request.actor?.userId ?? null, position: positionFor(request.actor, power) };
}

/** Starts a draft of the next version from a copy of the latest published one. */
export async function startDraft(ctx: AppContext, code: string, request: RequestContext) {
  const level = await getLevel(ctx, code);
  const base = await repo.latestPublished(ctx.db, level.id);
  if (!base) {
    throw AppError.conflict(
      'nothing_to_start_from',
      `${level.title} has no published version to start a draft from.`,
    );
  }
  const at = ctx.clock.now().toISOString();
  const copy = unpinLevelImports(storedProfile(base.profile));
  const metadata = { ...copy.metadata, version: `${base.version + 1}-draft`, 'last-modified': at };
  delete metadata.published;
  const profile: Profile = { ...copy, uuid: randomUUID(), metadata };
  const id = randomUUID();
  const by = stamp(request, 'propose_security_level');
  try {
    await ctx.db.transaction().execute(async (trx) => {
      if (await repo.findOpenVersion(trx, level.id)) throw openDraftExists(level);
      await repo.insertVersion(trx, {
        id,
        level_id: level.id,
        version: base.version + 1,
        status: 'draft',
        open_for_level: level.id,
        based_on_version: base.version,
        profile: JSON.stringify({ profile }),
        resolved_catalog: null,
        pending_imports: null,
        created_by_user_id: by.userId,
        created_by_position: by.position,
        created_at: at,
        updated_at: at,
      });
      await recordAuditEvent(
        trx,
        {
          actor: auditActor(request.actor, 'propose_security_level'),
          action: 'security_level.draft_start',
          outcome: 'success',
          target: { type: 'security_level_version', id },
          summary: {
            after: { level: level.code, version: base.version + 1, basedOn: base.version },
          },
          requestId: request.requestId,
        },
        ctx.clock,
      );
    });
  } catch (error) {
    // Two officers starting a draft at once: the unique open-draft index lets one through.
    if (isUniqueViolation(error)) throw openDraftExists(level);
    throw error;
  }
  return getOpenVersion(ctx, code);
}

function openDraftExists(level: repo.LevelRow): AppError {
  return AppError.conflict(
    'open_draft_exists',
    `${level.title} already has an open draft; finish or discard it before starting another.`,
  );
}

/** Stores a changed draft profile with its audit event; refused unless the draft is still a draft. */
async function saveDraft(
  ctx: AppContext,
  level: repo.LevelRow,
  row: repo.VersionRow,
  profile: Profile,
  action: string,
  summary: { before?: unknown; after?: unknown },
  request: RequestContext,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  const next: Profile = { ...profile, metadata: { ...profile.metadata, 'last-modified': at } };
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await repo.updateOpenVersion(trx, row.id, 'draft', {
      profile: JSON.stringify({ profile: next }),
      updated_at: at,
    });
    if (!changed) throw notEditable(level, row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'propose_security_level'),
        action,
        outcome: 'success',
        target: { type: 'security_level_version', id: row.id },
        summary: {
          ...summary,
          after: { level: level.code, version: row.version, ...(summary.after as object) },
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}

function notEditable(level: repo.LevelRow, row: repo.VersionRow): AppError {
  return AppError.conflict(
    'draft_not_editable',
    `Version ${row.version} of ${level.title} is ${row.status} and can no longer be edited` +
      (row.status === 'published'
        ? ': a published version never changes.'
        : '; it must be returned to draft first.'),
  );
}

/**
 * What replaces a draft's profile: an OSCAL profile document sent as JSON (`{"profile": …}`), or
 * a file's text (JSON or YAML, told apart by its name, as an upload or the shell sends it).
 */
export type ProfileInput = { document: unknown } | { fileName: string; content: string };

/** Replaces the whole draft profile with an OSCAL profile document. */
export async function replaceDraftProfile(
  ctx: AppContext,
  code: string,
  input: ProfileInput,
  request: RequestContext,
) {
  const { level, row } = await getOpenVersion(ctx, code);
  if (row.status !== 'draft') throw notEditable(level, row);
  let parsed;
  try {
    // A document is validated as sent (a "$schema" key included); only the profile is stored.
    parsed =
      'document' in input
        ? parseOscal(JSON.stringify(input.document), {
            name: `the profile sent for ${level.title}`,
            format: 'json',
          })
        : parseOscal(input.content, { name: input.fileName });
  } catch (error) {
    if (!(error instanceof OscalError)) throw error;
    throw new AppError(
      422,
      'invalid_oscal',
      `${error.summary}. The draft was not changed.`,
      error.issues.map((i) => ({
        in: 'document' in input ? 'body' : 'document',
        pointer: i.pointer,
        message: `${i.message} (rule: ${i.rule})`,
      })),
    );
  }
  if (parsed.kind !== 'profile') {
    throw new AppError(
      422,
      'not_a_profile',
      'A level is an OSCAL profile; the document sent is a catalog. The draft was not changed.',
    );
  }
  await saveDraft(
    ctx,
    level,
    row,
    parsed.profile,
    'security_level.draft_replace',
    { after: { title: parsed.profile.metadata.title, imports: parsed.profile.imports.length } },
    request,
  );
  return getOpenVersion(ctx, code);
}

export type { DraftEdits } from './edits.js';

export async function editDraft(
  ctx: AppContext,
  code: string,
  edits: DraftEdits,
  request: RequestContext,
) {
  const { level, row } = await getOpenVersion(ctx, code);
  if (row.status !== 'draft') throw notEditable(level, row);
  const profile = applyEdits(storedProfile(row.profile), edits);
  await saveDraft(
    ctx,
    level,
    row,
    profile,
    'security_level.draft_edit',
    { after: { edits } },
    request,
  );
  return getOpenVersion(ctx, code);
}

/** Discards a draft that has not been proposed. */
export async function discardDraft(ctx: AppContext, code: string, request: RequestContext) {
  const { level, row } = await getOpenVersion(ctx, code);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteDraft(trx, row.id))) throw notEditable(level, row);
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, 'propose_security_level'),
        action: 'security_level.draft_discard',
        outcome: 'success',
        target: { type: 'security_level_version', id: row.id },
        summary: { before: { level: level.code, version: row.version } },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
}

type Step = 'propose' | 'approve' | 'return' | 'publish';

const STEPS: Record<
  Step,
  { from: readonly SecurityLevelStatus[]; to: SecurityLevelStatus; power: Power; verb: string }
> = {
  propose: { from: ['draft'], to: 'proposed', power: 'propose_security_level', verb: 'propose' },
  approve: { from: ['proposed'], to: 'approved', power: 'approve_security_level', verb: 'approve' },
  return: {
    from: ['proposed', 'approved'],
    to: 'draft',
    power: 'approve_security_level',
    verb: 'return',
  },
  publish: {
    from: ['approved'],
    to: 'published',
    power: 'approve_security_level',
    verb: 'publish',
  },
};

/**
 * Moves the open version one step: propose, approve, return (with a reason) or publish. Every
 * step but return first resolves the draft and refuses, changing nothing, if it does not resolve.
 * Publication pins the import of the level below to its published version and stores the resolved
 * catalog, so the published version is reproducible; from then on the row never changes.
 */
export async function advance(
  ctx: AppContext,
  code: string,
  step: Step,
  request: RequestContext,
  reason?: string,
) {
  const rule = STEPS[step];
  const { level, row } = await getOpenVersion(ctx, code);
  requireStatus(level, row, rule.from, rule.verb);
  const at = ctx.clock.now().toISOString();
  const by = stamp(request, rule.power);
  let profile = storedProfile(row.profile);
  let resolution: Resolution | null = null;
  if (step === 'publish') {
    profile = await pinLevelImports(ctx.db, profile);
    profile = {
      ...profile,
      metadata: {
        ...profile.metadata,
        version: String(row.version),
        published: at,
        'last-modified': at,
      },
    };
  }
  if (step !== 'return') {
    // Outside the transaction: resolution reads the database, and SQLite has one connection.
    resolution = await resolveLevel(
      ctx,
      level.code,
      step === 'publish' ? row.version : 'draft',
      profile,
    );
    if (resolution.problems.length > 0) throw doesNotResolve(level.title, resolution.problems);
  }
  if (step === 'return' && (reason === undefined || reason.trim() === '')) {
    throw AppError.badRequest(
      'reason_required',
      'Say why the draft is returned; the proposer sees it.',
      [{ in: 'body', pointer: '/reason', message: 'is required' }],
    );
  }
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
              return_reason: reason?.trim() ?? null,
            }
          : {
              published_by_user_id: by.userId,
              published_by_position: by.position,
              published_at: at,
              open_for_level: null,
              profile: JSON.stringify({ profile }),
              resolved_catalog: JSON.stringify({ catalog: resolution?.catalog }),
            };
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await repo.updateOpenVersion(trx, row.id, row.status, {
      ...changes,
      status: rule.to,
      updated_at: at,
      ...(resolution ? { pending_imports: JSON.stringify(resolution.pending) } : {}),
    });
    if (!changed) {
      throw AppError.conflict(
        'changed_meanwhile',
        `Version ${row.version} of ${level.title} changed while you were acting on it; reload and try again.`,
      );
    }
    await recordAuditEvent(
      trx,
      {
        actor: auditActor(request.actor, rule.power),
        action: `security_level.${step}`,
        outcome: 'success',
        target: { type: 'security_level_version', id: row.id },
        summary: {
          before: { status: row.status },
          after: {
            level: level.code,
            version: row.version,
            status: rule.to,
            ...(resolution ? { pendingImports: resolution.pending.map((p) => p.href) } : {}),
          },
          ...(step === 'return' ? { reason: reason?.trim() } : {}),
        },
        requestId: request.requestId,
      },
      ctx.clock,
    );
  });
  const after = await repo.findVersion(ctx.db, level.id, row.version);
  if (!after) throw new Error('the version disappeared');
  return { level, row: after };
}

// ---------------------------------------------------------------------------------------------
// Comparing

export interface VersionDiff extends CatalogDiff {
  from: { code: string; version: number };
  to: { code: string; version: number };
  /** Control ids pending import (not yet in the library) in one version but not the other. */
  pendingAdded: string[];
  pendingRemoved: string[];
}

/** Compares two published versions (of one level or two) by their resolved catalogs. */
export async function diffVersions(
  ctx: AppContext,
  a: VersionRef,
  b: VersionRef,
): Promise<VersionDiff> {
  const from = await getPublishedVersion(ctx, a);
  const to = await getPublishedVersion(ctx, b);
  return compare(
    { code: from.level.code, version: from.row.version },
    publishedCatalog(from.row),
    pendingOf(from.row),
    { code: to.level.code, version: to.row.version },
    publishedCatalog(to.row),
    pendingOf(to.row),
  );
}

function compare(
  fromRef: VersionDiff['from'],
  fromCatalog: Catalog,
  fromPending: PendingImport[],
  toRef: VersionDiff['to'],
  toCatalog: Catalog,
  toPending: PendingImport[],
): VersionDiff {
  const before = new Set(fromPending.flatMap((p) => p.controlIds));
  const after = new Set(toPending.flatMap((p) => p.controlIds));
  return {
    from: fromRef,
    to: toRef,
    ...diffCatalogs(fromCatalog, toCatalog),
    pendingAdded: [...after].filter((id) => !before.has(id)),
    pendingRemoved: [...before].filter((id) => !after.has(id)),
  };
}

/** Compares the open draft (resolved now) with the version it started from. */
export async function diffDraft(ctx: AppContext, code: string): Promise<VersionDiff> {
  const { level, row } = await getOpenVersion(ctx, code);
  const resolution = await resolveLevel(ctx, level.code, 'draft', storedProfile(row.profile));
  if (!resolution.catalog) throw doesNotResolve(level.title, resolution.problems);
  if (row.based_on_version === null) throw new Error('a draft without a base version');
  const base = await getPublishedVersion(ctx, { code, version: row.based_on_version });
  return compare(
    { code: level.code, version: base.row.version },
    publishedCatalog(base.row),
    pendingOf(base.row),
    { code: level.code, version: row.version },
    resolution.catalog,
    resolution.pending,
  );
}
