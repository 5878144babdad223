import type { Kysely } from 'kysely';

/**
 * The TOTP second factor: a secret being enrolled waits in `totp_pending_secret` (so that an
 * enrolled user can replace their authenticator without losing the current one before the new one
 * works), and `totp_last_step` holds the last 30-second step whose code was accepted, so a code
 * cannot be used twice. Both secrets are sealed with AES-256-GCM, never stored in clear. API tokens
 * already have their table (0002); they are looked up by hash, which is unique.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('totp_pending_secret', 'text').execute();
  await db.schema.alterTable('users').addColumn('totp_last_step', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('totp_last_step').execute();
  await db.schema.alterTable('users').dropColumn('totp_pending_secret').execute();
}
