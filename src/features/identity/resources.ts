import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Who owns a record: its organization, or nobody in particular when the record is public. */
export interface ResourceOwner {
  organizationId: string | null;
  public: boolean;
}

type Lookup = (db: Kysely<Database>, id: string) => Promise<ResourceOwner | undefined>;

/**
 * For each kind of record a route can name in its path, how to find its owner. A new kind of
 * record adds one line here, and the access hook and the tenant walk test cover its routes.
 */
const OWNERS = {
  organization: async (db, id) => {
    const row = await db
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.id, public: false };
  },
  user: async (db, id) => {
    const row = await db
      .selectFrom('users')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  api_token: async (db, id) => {
    const row = await db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select('users.organization_id')
      .where('api_tokens.id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // Who else may read a document is decided in features/documents/access.ts.
  document: async (db, id) => {
    const row = await db
      .selectFrom('documents')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // A cloud service offering belongs to its provider.
  offering: async (db, id) => {
    const row = await db
      .selectFrom('offerings')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // An accreditation application belongs to the applying provider.
  application: async (db, id) => {
    const row = await db
      .selectFrom('accreditation_applications')
      .select('csp_organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.csp_organization_id, public: false };
  },
} satisfies Record<string, Lookup>;

export type ResourceType = keyof typeof OWNERS;

export function resourceOwner(
  db: Kysely<Database>,
  type: ResourceType,
  id: string,
): Promise<ResourceOwner | undefined> {
  return OWNERS[type](db, id);
}
