import { useEffect, useRef, type ReactNode } from 'react';
import { takeHeadingFocus, useFlash } from '../router';
import { format, strings } from '../strings';
import type { Loaded } from '../useApi';

/**
 * The heading of a page. It names the page in the window title, and after a navigation inside the
 * portal it takes focus, so that a screen reader announces the new page and the next Tab starts
 * from the top of its content. (On the first load focus stays put, so the skip link comes first.)
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = format(strings.windowTitle, { page: title });
    if (takeHeadingFocus()) heading.current?.focus();
  }, [title]);
  return (
    <h2 className="page-heading" tabIndex={-1} ref={heading}>
      {children}
    </h2>
  );
}

/** A page: its heading, the message left by the navigation that led here, and its content. */
export function Page({
  title,
  heading,
  intro,
  children,
  wide = true,
}: {
  title: string;
  heading?: ReactNode;
  intro?: ReactNode;
  children?: ReactNode;
  wide?: boolean;
}) {
  const flash = useFlash();
  return (
    <div className={wide ? 'page' : 'page page-narrow'}>
      <PageHeading title={title}>{heading ?? title}</PageHeading>
      <StatusMessage message={flash} />
      {intro && <p className="lead">{intro}</p>}
      {children}
    </div>
  );
}

/**
 * A message saying that something worked. The live region is always there, so that a screen
 * reader announces the message when it appears (a region added with its text may go unread).
 */
export function StatusMessage({ message }: { message: string | null | undefined }) {
  return (
    <div role="status" className="status-message">
      {message && (
        <div className="notice-success">
          <p>{message}</p>
        </div>
      )}
    </div>
  );
}

/** A section of a page with its own heading, labelled by it for landmarks navigation. */
export function Section({
  id,
  title,
  children,
  className = 'panel',
}: {
  id: string;
  title: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={className} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{title}</h3>
      {children}
    </section>
  );
}

/**
 * A panel for one form or step inside a page, a region labelled by its own heading (`level` 4
 * inside a section, 3 on its own).
 */
export function FormPanel({
  id,
  title,
  level = 4,
  children,
}: {
  id: string;
  title: ReactNode;
  level?: 3 | 4;
  children: ReactNode;
}) {
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <div className="panel" role="region" aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`}>{title}</Heading>
      {children}
    </div>
  );
}

/** Waiting for the server; announced politely. */
export function Loading({ label = strings.loading }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** A failure to load something the page needs, with the server's account of it. */
export function LoadError({ detail, onRetry }: { detail: string; onRetry?: () => void }) {
  return (
    <div className="error-summary" role="alert">
      <h3 className="error-summary-title">{strings.loadFailedTitle}</h3>
      <p>{detail}</p>
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {strings.tryAgain}
        </button>
      )}
    </div>
  );
}

/**
 * What a page shows of a record it loads: the failure to load it (with a retry), a wait, or
 * `children` drawn with the record.
 */
export function LoadedRecord<T>({
  loaded,
  record,
  children,
}: {
  loaded: Pick<Loaded<T>, 'error' | 'reload'>;
  record: T | undefined;
  children: (record: T) => ReactNode;
}) {
  if (loaded.error) return <LoadError detail={loaded.error.detail} onRetry={loaded.reload} />;
  if (record === undefined) return <Loading />;
  return <>{children(record)}</>;
}
