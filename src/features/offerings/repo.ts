import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type {
  Database,
  DeploymentModel,
  OfferingCertificationsTable,
  OfferingContactsTable,
  OfferingLocationsTable,
  OfferingsTable,
  ServiceModel,
} from '../../db/schema.js';
import { nameKey } from '../organizations/repo.js';
import type { OfferingLists } from './validation.js';

type Db = Kysely<Database>;
export type OfferingRow = Selectable<OfferingsTable>;
export type LocationRow = Selectable<OfferingLocationsTable>;
export type CertificationRow = Selectable<OfferingCertificationsTable>;
export type ContactRow = Selectable<OfferingContactsTable>;

/** An offering with its provider's name and its three lists, in their stored order. */
export interface OfferingRecord {
  offering: OfferingRow;
  organizationName: string;
  locations: LocationRow[];
  certifications: CertificationRow[];
  contacts: ContactRow[];
}

export { nameKey };

export async function insertOffering(
  db: Db,
  row: Omit<Insertable<OfferingsTable>, 'name_key'>,
): Promise<void> {
  await db
    .insertInto('offerings')
    .values({ ...row, name_key: nameKey(row.name) })
    .execute();
}

export async function updateOffering(
  db: Db,
  id: string,
  patch: Updateable<OfferingsTable>,
): Promise<void> {
  await db.updateTable('offerings').set(patch).where('id', '=', id).execute();
}

/** The offering of this provider with this name, compared as organizations compare names. */
export function findByName(
  db: Db,
  organizationId: string,
  name: string,
): Promise<OfferingRow | undefined> {
  return db
    .selectFrom('offerings')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', nameKey(name))
    .executeTakeFirst();
}

/** Replaces the lists given (the others stay as they are), keeping their order. */
export async function replaceLists(
  db: Db,
  offeringId: string,
  lists: Partial<OfferingLists>,
): Promise<void> {
  if (lists.locations) {
    await db.deleteFrom('offering_locations').where('offering_id', '=', offeringId).execute();
    if (lists.locations.length > 0) {
      await db
        .insertInto('offering_locations')
        .values(
          lists.locations.map((l, position) => ({
            id: randomUUID(),
            offering_id: offeringId,
            position,
            country: l.country,
            city: l.city,
            operator: l.operator,
            purpose: l.purpose,
          })),
        )
        .execute();
    }
  }
  if (lists.certifications) {
    await db.deleteFrom('offering_certifications').where('offering_id', '=', offeringId).execute();
    if (lists.certifications.length > 0) {
      await db
        .insertInto('offering_certifications')
        .values(
          lists.certifications.map((c, position) => ({
            id: randomUUID(),
            offering_id: offeringId,
            position,
            scheme: c.scheme,
            name: c.name ?? null,
            certificate_number: c.certificateNumber ?? null,
            issuer: c.issuer,
            issued_on: c.issuedOn ?? null,
            expires_on: c.expiresOn,
            document_id: c.documentId ?? null,
          })),
        )
        .execute();
    }
  }
  if (lists.contacts) {
    await db.deleteFrom('offering_contacts').where('offering_id', '=', offeringId).execute();
    if (lists.contacts.length > 0) {
      await db
        .insertInto('offering_contacts')
        .values(
          lists.contacts.map((c, position) => ({
            id: randomUUID(),
            offering_id: offeringId,
            position,
            role: c.role,
            name: c.name,
            email: c.email,
            phone: c.phone ?? null,
          })),
        )
        .execute();
    }
  }
}

/** Deletes an offering and its lists. */
export async function deleteOffering(db: Db, id: string): Promise<void> {
  for (const table of [
    'offering_locations',
    'offering_certifications',
    'offering_contacts',
  ] as const) {
    await db.deleteFrom(table).where('offering_id', '=', id).execute();
  }
  await db.deleteFrom('offerings').where('id', '=', id).execute();
}

/** Offerings with their lists, in the order of `ids`; missing ids are left out. */
export async function loadOfferings(db: Db, ids: readonly string[]): Promise<OfferingRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('offerings')
    .innerJoin('organizations', 'organizations.id', 'offerings.organization_id')
    .selectAll('offerings')
    .select('organizations.name as organization_name')
    .where('offerings.id', 'in', ids)
    .execute();
  const [locations, certifications, contacts] = await Promise.all([
    db
      .selectFrom('offering_locations')
      .selectAll()
      .where('offering_id', 'in', ids)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('offering_certifications')
      .selectAll()
      .where('offering_id', 'in', ids)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('offering_contacts')
      .selectAll()
      .where('offering_id', 'in', ids)
      .orderBy('position')
      .execute(),
  ]);
  const byId = new Map(
    rows.map(({ organization_name, ...offering }) => [
      offering.id,
      {
        offering,
        organizationName: organization_name,
        locations: [] as LocationRow[],
        certifications: [] as CertificationRow[],
        contacts: [] as ContactRow[],
      },
    ]),
  );
  for (const l of locations) byId.get(l.offering_id)?.locations.push(l);
  for (const c of certifications) byId.get(c.offering_id)?.certifications.push(c);
  for (const c of contacts) byId.get(c.offering_id)?.contacts.push(c);
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function loadOffering(db: Db, id: string): Promise<OfferingRecord | undefined> {
  return (await loadOfferings(db, [id]))[0];
}

export interface OfferingFilter {
  organizationId?: string;
  serviceModel?: ServiceModel;
  deploymentModel?: DeploymentModel;
  q?: string;
  /** Limits the list to one provider's offerings (for users outside the Cloud Office). */
  onlyOrganizationId?: string;
}

export type OfferingSort =
  'name' | '-name' | 'created_at' | '-created_at' | 'updated_at' | '-updated_at';

/** One page of offerings matching the filter, with the total. */
export async function listOfferings(
  db: Db,
  filter: OfferingFilter,
  page: { limit: number; offset: number; sort: OfferingSort },
): Promise<{ items: OfferingRecord[]; total: number }> {
  let query = db.selectFrom('offerings');
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.onlyOrganizationId)
    query = query.where('organization_id', '=', filter.onlyOrganizationId);
  if (filter.serviceModel) query = query.where('service_model', '=', filter.serviceModel);
  if (filter.deploymentModel) query = query.where('deployment_model', '=', filter.deploymentModel);
  if (filter.q) {
    const pattern = `%${nameKey(filter.q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb('name_key', 'like', eb.val(pattern)));
  }
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const field = page.sort.replace('-', '');
  const column = field === 'name' ? 'name_key' : (field as 'created_at' | 'updated_at');
  const ids = await query
    .select('id')
    .orderBy(column, page.sort.startsWith('-') ? 'desc' : 'asc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return {
    items: await loadOfferings(
      db,
      ids.map((row) => row.id),
    ),
    total: total.total,
  };
}
