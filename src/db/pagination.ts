import type { SelectQueryBuilder } from 'kysely';

export interface Page {
  limit: number;
  offset: number;
}

/**
 * The rows of `query` in the order `order` gives: one page with the count of all rows, or, with no
 * page, every row (for CSV).
 */
export async function pageOrAll<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: (query: SelectQueryBuilder<DB, TB, O>) => SelectQueryBuilder<DB, TB, O>,
  page?: Page,
): Promise<{ items: O[]; total: number }> {
  const ordered = order(query);
  if (!page) {
    const items = await ordered.execute();
    return { items, total: items.length };
  }
  // The generic builder cannot name the count's column type, so it is cast to what it selects.
  const counted = await query
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .$castTo<{ total: number | string }>()
    .executeTakeFirstOrThrow();
  const items = await ordered.limit(page.limit).offset(page.offset).execute();
  return { items, total: Number(counted.total) };
}
