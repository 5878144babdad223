import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Power } from '../office/positions.js';
import type { Role } from '../identity/roles.js';

/** Who is told of accreditation steps: e-mail addresses, looked up in the caller's transaction. */

/** Active users of an organization, optionally of some roles only. */
export async function organizationEmails(
  db: Kysely<Database>,
  organizationId: string,
  roles?: readonly Role[],
): Promise<string[]> {
  let query = db
    .selectFrom('users')
    .select('email')
    .where('organization_id', '=', organizationId)
    .where('status', '=', 'active');
  if (roles) query = query.where('role', 'in', [...roles]);
  return (await query.orderBy('email').execute()).map((row) => row.email);
}

/** Active officers who hold, on `day`, a post (own or additional charge) that grants `power`. */
export async function holdersOf(
  db: Kysely<Database>,
  power: Power,
  day: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('appointments')
    .innerJoin('positions', 'positions.id', 'appointments.position_id')
    .innerJoin('users', 'users.id', 'appointments.user_id')
    .select(['users.email', 'positions.powers'])
    .where('users.status', '=', 'active')
    .where('appointments.starts_on', '<=', day)
    .where((eb) =>
      eb.or([eb('appointments.ends_on', 'is', null), eb('appointments.ends_on', '>=', day)]),
    )
    .execute();
  const emails = rows
    .filter((row) => (JSON.parse(row.powers) as string[]).includes(power))
    .map((row) => row.email);
  return [...new Set(emails)].sort();
}
