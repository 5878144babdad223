import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** Who owns a record: its organization, or nobody in particular when the record is public. */
export interface ResourceOwner {
  organizationId: string | null;
  public: boolean;
  /** Other organizations whose users may reach the record (an assigned audit firm). */
  sharedWith?: readonly string[];
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
  // Who else may read a document is decided in features/documents/access.ts: here, the audit
  // firms assessing one of the owner's applications now.
  document: async (db, id) => {
    const row = await db
      .selectFrom('documents')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const firms = await db
      .selectFrom('accreditation_applications')
      .select('audit_firm_id')
      .distinct()
      .where('csp_organization_id', '=', row.organization_id)
      .where('status', '=', 'in_assessment')
      .where('audit_firm_id', 'is not', null)
      .execute();
    return {
      organizationId: row.organization_id,
      public: false,
      sharedWith: firms.flatMap((f) => (f.audit_firm_id === null ? [] : [f.audit_firm_id])),
    };
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
  // An accreditation application belongs to the applying provider; the audit firm assigned to
  // assess it may reach it too, and loses that the moment it is reassigned.
  application: async (db, id) => {
    const row = await db
      .selectFrom('accreditation_applications')
      .select(['csp_organization_id', 'audit_firm_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        organizationId: row.csp_organization_id,
        public: false,
        sharedWith: row.audit_firm_id === null ? [] : [row.audit_firm_id],
      }
    );
  },
  // A PSE's information system belongs to the PSE.
  pse_system: async (db, id) => {
    const row = await db
      .selectFrom('pse_systems')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // A NOC exemption belongs to the PSE whose system it is for.
  noc: async (db, id) => {
    const row = await db
      .selectFrom('noc_exemptions')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // A data-breach report or incident belongs to the organization that reported it.
  incident: async (db, id) => {
    const row = await db
      .selectFrom('incidents')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // An incident-report request belongs to the organization asked for the report.
  report_request: async (db, id) => {
    const row = await db
      .selectFrom('report_requests')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // A response action belongs to the organization ordered to take it.
  response_action: async (db, id) => {
    const row = await db
      .selectFrom('response_actions')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // A breach of duty belongs to the organization in breach.
  breach: async (db, id) => {
    const row = await db
      .selectFrom('breaches')
      .select('organization_id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: row.organization_id, public: false };
  },
  // Webhook subscriptions are the Cloud Office's own.
  webhook_subscription: async (db, id) => {
    const row = await db
      .selectFrom('webhook_subscriptions')
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { organizationId: null, public: false };
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
