import { Page } from '../components/Page';
import { Link } from '../router';
import { strings } from '../strings';

/**
 * An address the portal does not know, or a record the API answered 404 for. Another
 * organization's record answers 404 too, so the page cannot say which of the two it is.
 */
export function NotFoundPage({ record = false }: { record?: boolean }) {
  return (
    <Page title={record ? strings.recordNotFoundTitle : strings.notFoundTitle}>
      <p className="lead">{record ? strings.recordNotFound : strings.notFound}</p>
      <p>
        <Link to="/">{strings.goHome}</Link>
      </p>
    </Page>
  );
}

/** A page the user's role or posts do not open; the navigation does not offer it to them. */
export function NotAllowedPage() {
  return (
    <Page title={strings.notAllowedTitle}>
      <p className="lead">{strings.notAllowed}</p>
      <p>
        <Link to="/">{strings.goHome}</Link>
      </p>
    </Page>
  );
}
