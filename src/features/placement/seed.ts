import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { recordAuditEvent } from '../audit/service.js';
import { SYSTEM_POSITION } from '../levels/seed.js';
import { DEFAULT_POLICY_PACK } from './default-pack.js';
import type { PolicyPack } from './model.js';
import * as repo from './policy-repo.js';
import { packProblems } from './policy-service.js';

/**
 * The default policy pack of a new installation (the reference policy's classes and rules),
 * published as version 1 by the system. Safe to run at every start and on several instances at
 * once: the version is inserted with ON CONFLICT DO NOTHING on its unique number, so whoever comes
 * second does nothing, and an installation that already has a version 1 keeps it as it is.
 */
export async function seedDefaultPolicy(
  ctx: AppContext,
  pack: PolicyPack = DEFAULT_POLICY_PACK,
): Promise<{ published: boolean }> {
  if (await repo.findVersion(ctx.db, 1)) return { published: false };
  // The shipped pack is checked like any other: a broken default must not become the policy.
  const problems = await packProblems(ctx.db, pack);
  if (problems.length > 0) {
    const listed = problems.map((p) => `${p.pointer || '/'}: ${p.message}`);
    throw new Error(`The default policy pack is not valid:\n  ${listed.join('\n  ')}`);
  }
  const at = ctx.clock.now().toISOString();
  const id = randomUUID();
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await repo.insertVersionIfMissing(trx, {
      id,
      version: 1,
      status: 'published',
      open_key: null,
      based_on_version: null,
      pack: JSON.stringify(pack),
      created_by_user_id: null,
      created_by_position: SYSTEM_POSITION,
      created_at: at,
      updated_at: at,
      published_by_user_id: null,
      published_by_position: SYSTEM_POSITION,
      published_at: at,
    });
    if (!inserted) return { published: false };
    await recordAuditEvent(
      trx,
      {
        actor: null,
        action: 'policy.publish',
        outcome: 'success',
        target: { type: 'policy_version', id },
        summary: {
          after: { version: 1, status: 'published', classes: pack.classes.map((c) => c.code) },
          reason: 'default policy pack of a new installation, published by the system',
        },
      },
      ctx.clock,
    );
    return { published: true };
  });
}
