import type { ReactNode } from 'react';
import { format, strings } from '../strings';

/** "Showing 26 to 50 of 120", announced when a search or a page turn changes it. */
export function ResultCount({
  offset,
  shown,
  total,
  loading,
}: {
  offset: number;
  shown: number;
  total: number;
  loading: boolean;
}) {
  return (
    <p className="result-count" role="status">
      {loading
        ? strings.loading
        : total === 0
          ? strings.noResults
          : format(strings.resultCount, {
              from: String(offset + 1),
              to: String(offset + shown),
              total: String(total),
            })}
    </p>
  );
}

/** Previous and next page of a list whose server pages by limit and offset. */
export function Pagination({
  offset,
  limit,
  total,
  onChange,
}: {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
}) {
  if (total <= limit) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.ceil(total / limit);
  const first = offset === 0;
  const last = offset + limit >= total;
  // aria-disabled rather than disabled: a disabled button would drop the focus of whoever pressed it.
  return (
    <nav className="pagination" aria-label={strings.paginationLabel}>
      <button
        type="button"
        className="button button-secondary"
        aria-disabled={first || undefined}
        onClick={() => {
          if (!first) onChange(Math.max(0, offset - limit));
        }}
      >
        {strings.previousPage}
      </button>
      <span className="pagination-position">
        {format(strings.pageOf, { page: String(page), pages: String(pages) })}
      </span>
      <button
        type="button"
        className="button button-secondary"
        aria-disabled={last || undefined}
        onClick={() => {
          if (!last) onChange(offset + limit);
        }}
      >
        {strings.nextPage}
      </button>
    </nav>
  );
}

/** A short status word in a coloured box; the word carries the meaning, never the colour alone. */
export function Tag({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warning' | 'bad';
  children: ReactNode;
}) {
  return <strong className={`tag tag-${tone}`}>{children}</strong>;
}

/** One fact of a record in a definition list (`<dl className="facts">`): its name, its value. */
export function Fact({
  label,
  className,
  children,
}: {
  label: ReactNode;
  className?: string;
  children: ReactNode;
}) {
  return (
    <>
      <dt>{label}</dt>
      <dd className={className}>{children}</dd>
    </>
  );
}

/** A table that scrolls sideways on narrow screens instead of breaking the page. */
export function TableFrame({ label, children }: { label: string; children: ReactNode }) {
  return (
    // A labelled, focusable region so that keyboard users can scroll it.
    <div className="table-frame" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A framed table with one header row naming `columns`; `children` are the body's rows. */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly string[];
  children: ReactNode;
}) {
  return (
    <TableFrame label={label}>
      <table className="table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </TableFrame>
  );
}
