import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import { insertOffering, replaceLists } from '../../src/features/offerings/repo.js';

/** An offering of an organization, stored directly with one customer-data location; its id. */
export async function buildOffering(
  ctx: AppContext,
  organizationId: string,
  overrides: { name?: string; country?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await insertOffering(ctx.db, {
    id,
    organization_id: organizationId,
    name: overrides.name ?? `Offering ${id.slice(0, 8)}`,
    description: 'A test offering',
    service_model: 'iaas',
    deployment_model: 'public',
    website: null,
    created_at: at,
    created_by_user_id: null,
    updated_at: at,
    updated_by_user_id: null,
  });
  await replaceLists(ctx.db, id, {
    locations: [
      {
        country: overrides.country ?? 'PK',
        city: 'Karachi',
        operator: 'DC Ltd',
        purpose: 'customer_data',
      },
    ],
  });
  return id;
}
