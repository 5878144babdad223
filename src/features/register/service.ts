import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { DeploymentModel, ServiceModel } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import {
  componentDefinition as buildComponentDefinition,
  type ComponentDefinitionDocument,
} from '../accreditation/component-definition.js';
import type { AccreditationEvent } from '../accreditation/events.js';
import { recordOf, responseOf } from '../accreditation/mapper.js';
import * as accreditationRepo from '../accreditation/repo.js';
import * as levelRepo from '../levels/repo.js';
import { publishedCatalog } from '../levels/service.js';
import { profileAddress } from '../levels/source.js';
import { statusHistory, type RegisterStatus } from './history.js';
import {
  fileNameOf,
  presentDetail,
  presentItem,
  registerCsvHeader,
  registerCsvRecord,
  type EntryLocation,
  type RegisterDetail,
  type RegisterItem,
} from './presenter.js';
import * as repo from './repo.js';
import { responsibilitySummary } from './responsibility.js';

/**
 * The public register of accredited cloud offerings: what anyone may read without signing in.
 * Every offering that was ever granted is listed with its current standing (suspended and revoked
 * ones stay, as such, so that a public body can see why it may no longer buy them). The rows come
 * from `register_entries`, kept in the workflow's own transactions by projection.ts.
 */

/** The filters and order, as the API and the CLI take them. */
export interface RegisterQuery {
  /** A level code, e.g. baseline. */
  level?: string;
  serviceModel?: ServiceModel;
  deploymentModel?: DeploymentModel;
  residency?: repo.Residency;
  status?: RegisterStatus;
  q?: string;
  sort?: repo.RegisterSort;
  order?: repo.SortOrder;
}

export interface RegisterPage {
  items: RegisterItem[];
  total: number;
  limit: number;
  offset: number;
  /** The country `residency` is measured against (OFFICE_COUNTRY). */
  residencyCountry: string;
}

/** Rows read per query when an export walks the whole register. */
export const EXPORT_BATCH_SIZE = 500;

/** The filter in the repo's terms; a level that does not exist is refused, naming the parameter. */
async function filterOf(ctx: AppContext, query: RegisterQuery): Promise<repo.RegisterFilter> {
  const filter: repo.RegisterFilter = {
    serviceModel: query.serviceModel,
    deploymentModel: query.deploymentModel,
    status: query.status,
    q: query.q,
  };
  if (query.residency !== undefined) {
    filter.residency = { where: query.residency, country: ctx.config.officeCountry };
  }
  if (query.level !== undefined) {
    const level = await levelRepo.findLevelByCode(ctx.db, query.level);
    if (!level) {
      const known = (await levelRepo.listLevels(ctx.db)).map((l) => l.code);
      const levels = known.length > 0 ? `the levels are ${known.join(', ')}` : 'there are none yet';
      throw AppError.badRequest(
        'unknown_level',
        `There is no security level ${JSON.stringify(query.level)}; ${levels}.`,
        [{ in: 'querystring', pointer: '/level', message: `must be a level's code; ${levels}` }],
      );
    }
    filter.levelRank = level.rank;
  }
  return filter;
}

function orderOf(query: RegisterQuery): { sort: repo.RegisterSort; order: repo.SortOrder } {
  return { sort: query.sort ?? 'name', order: query.order ?? 'asc' };
}

/** Groups the locations of several offerings by offering. */
function locationsByOffering(
  rows: readonly ({ offering_id: string } & EntryLocation)[],
): Map<string, EntryLocation[]> {
  const byOffering = new Map<string, EntryLocation[]>();
  for (const { offering_id, country, city, purpose } of rows) {
    const list = byOffering.get(offering_id) ?? [];
    list.push({ country, city, purpose });
    byOffering.set(offering_id, list);
  }
  return byOffering;
}

async function present(ctx: AppContext, rows: readonly repo.EntryRow[]): Promise<RegisterItem[]> {
  const locations = locationsByOffering(
    await repo.locationsOf(
      ctx.db,
      rows.map((row) => row.offering_id),
    ),
  );
  return rows.map((row) => presentItem(row, locations.get(row.offering_id) ?? []));
}

/** One page of the register, with the total matching the filter. */
export async function list(
  ctx: AppContext,
  query: RegisterQuery,
  page: { limit: number; offset: number },
): Promise<RegisterPage> {
  const filter = await filterOf(ctx, query);
  const [rows, total] = await Promise.all([
    repo.listEntries(ctx.db, filter, orderOf(query), page),
    repo.countEntries(ctx.db, filter),
  ]);
  return {
    items: await present(ctx, rows),
    total,
    limit: page.limit,
    offset: page.offset,
    residencyCountry: ctx.config.officeCountry,
  };
}

/**
 * Every entry matching the query, in batches, each read by its own short query after the last row
 * of the one before: an export never holds the database for its whole length (on SQLite, one
 * connection serves every request), and deep batches cost no more than the first. The filter is
 * checked before the first batch, so a bad one fails before anything is written.
 */
export async function exportEntries(
  ctx: AppContext,
  query: RegisterQuery,
  batchSize = EXPORT_BATCH_SIZE,
): Promise<AsyncGenerator<RegisterItem[]>> {
  const filter = await filterOf(ctx, query);
  const order = orderOf(query);
  async function* batches(): AsyncGenerator<RegisterItem[]> {
    let cursor: repo.Cursor | undefined;
    for (;;) {
      const rows = await repo.listEntries(ctx.db, filter, order, {
        limit: batchSize,
        after: cursor,
      });
      if (rows.length > 0) yield await present(ctx, rows);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) return;
      cursor = last.cursor;
    }
  }
  return batches();
}

/**
 * Writes the matching entries as CSV (a header, then one chunk per batch) to `write`, awaiting
 * each write so that a slow reader holds the reading back. Returns the number of entries.
 */
export async function writeCsv(
  batches: AsyncIterable<RegisterItem[]>,
  write: (chunk: string) => Promise<void>,
): Promise<number> {
  await write(registerCsvHeader());
  let count = 0;
  for await (const items of batches) {
    await write(items.map(registerCsvRecord).join(''));
    count += items.length;
  }
  return count;
}

function notOnRegister(offeringId: string): AppError {
  // The same answer whether the offering exists or not: an offering never accredited is not public.
  return AppError.notFound(
    `There is no offering ${JSON.stringify(offeringId)} on the register; only offerings that have been accredited are listed.`,
  );
}

async function entryOf(ctx: AppContext, offeringId: string) {
  const row = await repo.findEntry(ctx.db, offeringId);
  if (!row) throw notOnRegister(offeringId);
  const application = await accreditationRepo.findApplication(ctx.db, row.application_id);
  if (!application) throw new Error(`register entry ${offeringId} names a missing application`);
  return { row, record: recordOf(application) };
}

/**
 * The answers that belong to the accreditation: those to the controls of the level version it was
 * pinned to at submission. An answer kept from before a level changed is not part of it.
 */
async function pinnedResponses(ctx: AppContext, record: ReturnType<typeof recordOf>) {
  const pinned = new Set(record.submission?.controlIds ?? []);
  return (await accreditationRepo.listResponses(ctx.db, record.id))
    .map(responseOf)
    .filter((response) => pinned.has(response.controlId));
}

/** One offering on the register: its standing, history, data centres and responsibilities. */
export async function detail(ctx: AppContext, offeringId: string): Promise<RegisterDetail> {
  const { row, record } = await entryOf(ctx, offeringId);
  const [locations, certifications, events, responses] = await Promise.all([
    repo.locationsOf(ctx.db, [offeringId]),
    repo.certificationsOf(ctx.db, offeringId),
    repo.standingEventsOf(ctx.db, offeringId),
    pinnedResponses(ctx, record),
  ]);
  return presentDetail({
    row,
    locations,
    certifications,
    history: statusHistory(events.map((e) => JSON.parse(e.event) as AccreditationEvent)),
    responsibility: responsibilitySummary(responses),
    openConditions: record.conditions.filter((c) => c.status === 'open').length,
    today: ctx.clock.now().toISOString().slice(0, 10),
  });
}

/**
 * The offering's customer responsibility matrix as an OSCAL component definition, against the
 * level version its accreditation was assessed on. Without evidence: the documents are readable
 * only by the provider and the office, and even their titles are the provider's.
 */
export async function componentDefinition(
  ctx: AppContext,
  offeringId: string,
): Promise<{ fileName: string; document: ComponentDefinitionDocument }> {
  const { row, record } = await entryOf(ctx, offeringId);
  const level = await levelRepo.findLevelByCode(ctx.db, record.levelSought.code);
  const version =
    record.submission && level
      ? await levelRepo.findVersion(ctx.db, level.id, record.submission.levelVersion)
      : undefined;
  if (!level || !record.submission || version?.status !== 'published') {
    throw new Error(`accreditation ${record.id} has no published level version pinned`);
  }
  const document = buildComponentDefinition({
    offering: {
      id: row.offering_id,
      name: row.offering_name,
      description: row.description,
      providerId: row.provider_id,
      providerName: row.provider_name,
      serviceModel: row.service_model,
      deploymentModel: row.deployment_model,
    },
    level: {
      code: level.code,
      title: level.title,
      version: version.version,
      profileHref: profileAddress(level.code, version.version),
    },
    responses: await pinnedResponses(ctx, record),
    resolvedCatalog: publishedCatalog(version),
    now: ctx.clock.now(),
    uuid: randomUUID,
    includeEvidence: false,
  });
  return {
    fileName: fileNameOf(row.offering_name, row.offering_id, 'component-definition.json'),
    document,
  };
}
