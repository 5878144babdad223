import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import { insertNoc } from '../../src/features/placement/noc-repo.js';
import { buildSystem } from './systems.js';

/** A NOC request for a new system of `organizationId`, stored directly as requested; its id. */
export async function buildNoc(ctx: AppContext, organizationId: string): Promise<string> {
  const systemId = await buildSystem(ctx, organizationId);
  const id = randomUUID();
  const at = ctx.clock.now().toISOString();
  const day = at.slice(0, 10);
  await insertNoc(
    ctx.db,
    {
      id,
      systemId,
      organizationId,
      classCode: 'sensitive',
      policyVersion: 1,
      status: 'requested',
      terms: {
        covers: ['deployment_model'],
        deploymentModels: ['private'],
        offeringId: null,
        facility: null,
        reason: 'A test exemption',
        from: day,
        until: day,
      },
      returnReasons: null,
      review: null,
      grant: null,
      closure: null,
    },
    { at, userId: null },
  );
  return id;
}
