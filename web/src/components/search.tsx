import { useState, type ReactNode } from 'react';
import { withQuery, type Page as ListPage, type Query } from '../api';
import { useApi, type Loaded } from '../useApi';
import { useFields } from './forms';
import { Pagination, ResultCount, TableFrame } from './lists';
import { LoadError } from './Page';

/** A list's filter: its fields, then the button that applies them. */
export function FilterBar({
  label,
  submitLabel,
  onApply,
  noValidate,
  children,
}: {
  label: string;
  submitLabel: string;
  onApply: () => void;
  noValidate?: boolean;
  children: ReactNode;
}) {
  return (
    <form
      className="filters"
      role="search"
      aria-label={label}
      noValidate={noValidate}
      onSubmit={(event) => {
        event.preventDefault();
        onApply();
      }}
    >
      {children}
      <div className="filters-actions">
        <button type="submit" className="button button-secondary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

export interface PagedSearch<T, F extends Record<string, string>> {
  search: ReturnType<typeof useFields<F>>;
  list: Loaded<ListPage<T>>;
  /** The current page, or the last one while the next loads. */
  shown: ListPage<T> | undefined;
  offset: number;
  setOffset: (offset: number) => void;
  pageSize: number;
  /** Applies the filter's fields, from the first page. */
  apply: () => void;
  /** The filter the list shows, for the CSV twin of the same list. */
  applied: F;
}

/** A list the server pages by limit and offset, filtered by fields applied on demand. */
export function usePagedSearch<T, F extends Record<string, string>>(
  path: string,
  initial: F,
  query: (applied: F) => Query,
  pageSize: number,
): PagedSearch<T, F> {
  const search = useFields(initial);
  const [applied, setApplied] = useState(initial);
  const [offset, setOffset] = useState(0);
  const list = useApi<ListPage<T>>(path, { ...query(applied), limit: pageSize, offset });
  const shown = list.data ?? list.latest;
  const apply = () => {
    setApplied(search.values);
    setOffset(0);
  };
  return { search, list, shown, offset, setOffset, pageSize, apply, applied };
}

/** Whether a list's filter is still the one it started with (for its empty state). */
export function unfiltered<F extends Record<string, string>>(applied: F, initial: F): boolean {
  return Object.keys(initial).every((key) => applied[key] === initial[key]);
}

/** The link to a list's CSV twin: the same filter, every page. */
export function CsvLink({ path, query, label }: { path: string; query: Query; label: string }) {
  return (
    <p className="button-row">
      <a href={withQuery(`${path}.csv`, query)} download>
        {label}
      </a>
    </p>
  );
}

/** What an empty list says when nothing is filtered out. */
export function EmptyNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice">
      <p>{children}</p>
    </div>
  );
}

/**
 * A paged list's load error, or its count, its table (when there are rows; `children` gives the
 * table's head and body) and its pages.
 */
export function PagedResults<T, F extends Record<string, string>>({
  paged,
  label,
  children,
}: {
  paged: PagedSearch<T, F>;
  label: string;
  children: (items: T[]) => ReactNode;
}) {
  const { list, shown, offset } = paged;
  if (list.error) return <LoadError detail={list.error.detail} onRetry={list.reload} />;
  return (
    <>
      <ResultCount
        offset={offset}
        shown={shown?.items.length ?? 0}
        total={shown?.total ?? 0}
        loading={!shown}
      />
      {shown && shown.items.length > 0 && (
        <TableFrame label={label}>
          <table className="table">{children(shown.items)}</table>
        </TableFrame>
      )}
      {shown && (
        <Pagination
          offset={offset}
          limit={paged.pageSize}
          total={shown.total}
          onChange={paged.setOffset}
        />
      )}
    </>
  );
}
