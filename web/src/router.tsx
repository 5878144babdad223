import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A small router on the History API: the portal has a handful of routes, so a library would be
 * more code than it saves. `navigate` pushes a history entry; the back and forward buttons fire
 * `popstate`; components read the current location through `useLocation`.
 */

export interface Location {
  pathname: string;
  search: string;
  hash: string;
}

const listeners = new Set<() => void>();
let current = readLocation();
/** Set by a navigation inside the portal; the next page heading takes focus (see PageHeading). */
let focusPending = false;
/** A message for the next page to show, such as "The organization was created." */
let flash: string | undefined;

function readLocation(): Location {
  return {
    pathname: window.location.pathname,
    search: window.location.search,
    hash: window.location.hash,
  };
}

function changed(): void {
  const next = readLocation();
  if (
    next.pathname === current.pathname &&
    next.search === current.search &&
    next.hash === current.hash
  ) {
    return;
  }
  current = next;
  for (const listener of listeners) listener();
}

function travelled(): void {
  focusPending = true;
  flash = undefined;
  changed();
}

// Back and forward; hashchange too, for a link with another #token pasted into the same tab.
window.addEventListener('popstate', travelled);
window.addEventListener('hashchange', travelled);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, () => current);
}

/** Only paths inside the portal: `//host` or `https://…` would send the user elsewhere. */
export function isLocalPath(to: string): boolean {
  return to.startsWith('/') && !to.startsWith('//') && !to.startsWith('/\\');
}

export function navigate(to: string, options: { replace?: boolean; flash?: string } = {}): void {
  const target = isLocalPath(to) ? to : '/';
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  focusPending = true;
  flash = options.flash;
  changed();
}

/** Asks the next page heading to take focus, for a change of screen without a change of address. */
export function requestHeadingFocus(): void {
  focusPending = true;
}

/** Whether the heading now appearing should take focus; answers true once per navigation. */
export function takeHeadingFocus(): boolean {
  const pending = focusPending;
  focusPending = false;
  return pending;
}

/** The message left by the navigation that led here; the next navigation clears it. */
export function useFlash(): string | undefined {
  useLocation();
  return flash;
}

/** Query parameters of the current address. */
export function useSearchParams(): URLSearchParams {
  const { search } = useLocation();
  return new URLSearchParams(search);
}

/** A path pattern such as `/organizations/:id` against a pathname; the parameters, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** A link inside the portal: an ordinary `<a href>` that navigates without reloading the page. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    // Let the browser handle new tabs, downloads and modified clicks.
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      rest.target
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** Replaces the current address, for pages that only send the user on. */
export function Redirect({ to, flash: message }: { to: string; flash?: string }) {
  useEffect(() => {
    navigate(to, { replace: true, flash: message });
  }, [to, message]);
  return null;
}
