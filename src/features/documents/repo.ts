import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DocumentKind, DocumentsTable } from '../../db/schema.js';

type Db = Kysely<Database>;
/** A document without its bytes: what lists, metadata and access checks read. */
export type DocumentRow = Omit<Selectable<DocumentsTable>, 'content'>;

const METADATA = [
  'id',
  'organization_id',
  'kind',
  'file_name',
  'media_type',
  'size',
  'sha256',
  'uploaded_by_user_id',
  'uploaded_by_position',
  'uploaded_at',
] as const satisfies readonly (keyof DocumentRow)[];

export async function insertDocument(db: Db, row: Insertable<DocumentsTable>): Promise<void> {
  await db.insertInto('documents').values(row).execute();
}

export function findDocument(db: Db, id: string): Promise<DocumentRow | undefined> {
  return db.selectFrom('documents').select(METADATA).where('id', '=', id).executeTakeFirst();
}

/** The metadata of several documents, in no particular order; missing ones are left out. */
export async function findDocuments(db: Db, ids: readonly string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('documents')
    .select(METADATA)
    .where('id', 'in', [...ids])
    .execute();
}

/** The bytes of a document, read only for a download. */
export async function documentContent(db: Db, id: string): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('documents')
    .select('content')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.content;
}

/** The organization that owns a document, for tenant separation. */
export async function documentOrganization(db: Db, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('documents')
    .select('organization_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.organization_id;
}

export interface DocumentFilter {
  organizationId?: string;
  kind?: DocumentKind;
  /** Limits the list to one organization's documents (for users outside the Cloud Office). */
  onlyOrganizationId?: string;
}

/** Newest first. */
export async function listDocuments(
  db: Db,
  filter: DocumentFilter,
  page: { limit: number; offset: number },
): Promise<{ items: DocumentRow[]; total: number }> {
  let query = db.selectFrom('documents');
  if (filter.organizationId) query = query.where('organization_id', '=', filter.organizationId);
  if (filter.onlyOrganizationId)
    query = query.where('organization_id', '=', filter.onlyOrganizationId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const total = await query
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await query
    .select(METADATA)
    .orderBy('uploaded_at', 'desc')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total: total.total };
}

/** A document as records that use it name it. */
export interface DocRef {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
}

/** The documents `ids` refers to, in the order given (ids not found are left out). */
export async function documentRefs(db: Db, ids: readonly string[]): Promise<DocRef[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'file_name', 'media_type', 'size'])
    .where('id', 'in', [...ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [{ id: row.id, fileName: row.file_name, mediaType: row.media_type, size: row.size }]
      : [];
  });
}

/** The ids among `ids` that are not documents of `organizationId` (missing or someone else's). */
export async function foreignDocuments(
  db: Db,
  organizationId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const own = await db
    .selectFrom('documents')
    .select('id')
    .where('id', 'in', [...ids])
    .where('organization_id', '=', organizationId)
    .execute();
  const found = new Set(own.map((r) => r.id));
  return [...new Set(ids)].filter((id) => !found.has(id));
}
