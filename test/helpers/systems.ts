import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import { insertSystem } from '../../src/features/placement/systems-repo.js';

/** A PSE's system, stored directly, running on premises in Pakistan; its id. */
export async function buildSystem(
  ctx: AppContext,
  organizationId: string,
  overrides: { name?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  await insertSystem(ctx.db, {
    id,
    organization_id: organizationId,
    name: overrides.name ?? `System ${id.slice(0, 8)}`,
    purpose: 'A test system',
    owner_name: 'Owner',
    owner_email: 'owner@pse.example',
    users_description: 'officials',
    users_count: 10,
    current_kind: 'on_premises',
    current_offering_id: null,
    current_facility_name: 'Server room',
    current_facility_country: 'PK',
    current_facility_operator: 'The PSE',
    proposed_kind: null,
    proposed_offering_id: null,
    proposed_facility_name: null,
    proposed_facility_country: null,
    proposed_facility_operator: null,
    classification_id: null,
    class_code: null,
    status: 'active',
    created_at: at,
    created_by_user_id: null,
    updated_at: at,
    updated_by_user_id: null,
    archived_at: null,
    archived_by_user_id: null,
  });
  return id;
}
