import type { Kysely } from 'kysely';

/**
 * Placement (issue 6), second part: stored decisions and each system's placement status.
 *
 * `placement_decisions` keeps every decision the service made: for which system and which of its
 * hostings (`current`, `proposed`, or a `check` someone asked for), why it was made (the trigger:
 * a policy published, an accreditation suspended, ...), and the versions of everything it read, so
 * that it can be made again and compared: the policy version, the classification and its class,
 * the offering with the facts as used (JSON, by SHA-256) and its `updated_at`, the accreditation
 * record with its standing on the day, and the NOCs in force (JSON: id, what each covers, its last
 * day). The engine's result is stored as JSON text, also by SHA-256.
 *
 * `placement_texts` holds those JSON texts once each, addressed by their SHA-256: a national
 * re-evaluation makes some 100,000 decisions, but with the same policy a class on an offering
 * gives the same result, so there are only about as many distinct texts as (class, offering)
 * pairs. Storing each once keeps a re-evaluation to small rows (issue 6 asks for all 50,000
 * systems in well under 10 seconds, writes included) and the table from growing by a hundred
 * megabytes at every policy change. A text never changes: the key is its hash.
 *
 * `system_placements` is each system's status as of its last evaluation: `in_policy`,
 * `out_of_policy` (with the reason in words and when it was first flagged) or `not_evaluated`
 * (with why not), and the decisions of its current and proposed hostings. A system never
 * evaluated has no row. The officers' view of systems out of policy reads it by status and date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('placement_texts')
    .addColumn('sha256', 'text', (c) => c.primaryKey()) // hex of the body's SHA-256
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('placement_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('system_id', 'text', (c) => c.notNull().references('pse_systems.id'))
    .addColumn('hosting', 'text', (c) => c.notNull()) // current | proposed | check
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text', (c) => c.notNull()) // ISO instant
    .addColumn('decided_on', 'text', (c) => c.notNull()) // the day standing and NOCs were read for
    .addColumn('decided_by_user_id', 'text', (c) => c.references('users.id')) // a check's asker
    .addColumn('policy_version', 'integer', (c) => c.notNull())
    .addColumn('classification_id', 'text', (c) => c.notNull())
    .addColumn('class_code', 'text', (c) => c.notNull())
    // Not a foreign key: a decision stays on record after its offering is deleted. Null for a
    // hosting in the PSE's own private-cloud or on-premises facility (in the facts instead).
    .addColumn('offering_id', 'text')
    .addColumn('offering_updated_at', 'text', (c) => c.notNull())
    .addColumn('offering_facts_sha256', 'text', (c) =>
      c.notNull().references('placement_texts.sha256'),
    )
    .addColumn('accreditation_id', 'text') // the record the register pointed at; null: none
    .addColumn('accreditation_status', 'text')
    .addColumn('in_force', 'integer', (c) => c.notNull()) // 0 | 1
    .addColumn('level_code', 'text')
    .addColumn('level_rank', 'integer')
    .addColumn('nocs', 'text', (c) => c.notNull()) // ActiveNoc[] as offered to the engine, JSON
    .addColumn('outcome', 'text', (c) => c.notNull()) // allow | allow_with_conditions | deny
    .addColumn('result_sha256', 'text', (c) => c.notNull().references('placement_texts.sha256'))
    .execute();
  // A system's decisions, latest first.
  await db.schema
    .createIndex('placement_decisions_by_system')
    .on('placement_decisions')
    .columns(['system_id', 'decided_at'])
    .execute();

  await db.schema
    .createTable('system_placements')
    .addColumn('system_id', 'text', (c) => c.primaryKey().references('pse_systems.id'))
    .addColumn('status', 'text', (c) => c.notNull()) // in_policy | out_of_policy | not_evaluated
    .addColumn('reason', 'text') // why out of policy, or why not evaluated; null when in policy
    .addColumn('flagged_at', 'text') // when it went out of policy; null when it is not
    .addColumn('current_decision_id', 'text', (c) => c.references('placement_decisions.id'))
    .addColumn('proposed_decision_id', 'text', (c) => c.references('placement_decisions.id'))
    .addColumn('policy_version', 'integer')
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('evaluated_at', 'text', (c) => c.notNull())
    .execute();
  // The officers' view: systems out of policy, latest flagged first.
  await db.schema
    .createIndex('system_placements_by_status')
    .on('system_placements')
    .columns(['status', 'flagged_at', 'system_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('system_placements').execute();
  await db.schema.dropTable('placement_decisions').execute();
  await db.schema.dropTable('placement_texts').execute();
}
