import { useEffect, useRef, type ReactNode } from 'react';
import { takeHeadingFocus, useFlash } from '../router';
import { format, strings } from '../strings';

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
