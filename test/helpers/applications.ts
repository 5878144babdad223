import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/context.js';
import { newRow } from '../../src/features/accreditation/mapper.js';
import { insertApplication } from '../../src/features/accreditation/repo.js';
import { buildOffering } from './offerings.js';

/** A draft application of a new offering of `organizationId`, stored directly; its id. */
export async function buildApplication(ctx: AppContext, organizationId: string): Promise<string> {
  const offeringId = await buildOffering(ctx, organizationId);
  const id = randomUUID();
  await insertApplication(
    ctx.db,
    newRow(
      {
        id,
        offeringId,
        cspOrganizationId: organizationId,
        kind: 'initial',
        predecessorId: null,
        status: 'draft',
        levelSought: { code: 'baseline', rank: 1 },
        submission: null,
        returnReasons: null,
        auditFirm: null,
        assessment: null,
        legalReview: null,
        grant: null,
        conditions: [],
        suspension: null,
        closure: null,
      },
      { at: ctx.clock.now().toISOString(), userId: null },
    ),
  );
  return id;
}
