import { Fragment, lazy, Suspense, useState, type ReactNode } from 'react';
import { isOfficeStaff, may } from './access';
import { ApiError, type Me } from './api';
import { LoadError, Loading, Page } from './components/Page';
import { ApplicationPage, ApplicationsPage } from './pages/ApplicationPages';
import { AppointmentsPage } from './pages/AppointmentsPage';
import { AssessmentPage } from './pages/AssessmentPage';
import { AuditPage } from './pages/AuditPage';
import { BreachPage, BreachesPage } from './pages/BreachPages';
import { CatalogPage, CatalogsPage, ControlPage } from './pages/CatalogPages';
import { ActionPage, ActionsPage } from './pages/ActionPages';
import { IncidentPage, IncidentsPage, NewIncidentPage } from './pages/IncidentPages';
import { RequestPage, RequestsPage } from './pages/RequestPages';
import { InvitationPage, ResetPasswordPage, SetupPage, SignInPage } from './pages/AccountPages';
import {
  LevelDiffPage,
  LevelDraftPage,
  LevelPage,
  LevelsPage,
  LevelVersionPage,
} from './pages/LevelPages';
import { DashboardPage, VisitorHomePage } from './pages/HomePage';
import { NotAllowedPage, NotFoundPage } from './pages/NotFoundPage';
import { NewOfferingPage, OfferingPage, OfferingsPage } from './pages/OfferingPages';
import { OrganizationPage, OrganizationsPage } from './pages/OrganizationsPages';
import { NocPage, NocsPage, OutOfPolicyPage } from './pages/PlacementPages';
import { PolicyDraftPage, PolicyPage, PolicyVersionPage } from './pages/PolicyPages';
import { RegisterEntryPage, RegisterPage } from './pages/RegisterPages';
import { ResponsesPage } from './pages/ResponsesPage';
import { EnrolmentPage, SecondFactorPage } from './pages/SecondFactorPages';
import { NewSystemPage, SystemPage, SystemsPage } from './pages/SystemPages';
import { UsersPage } from './pages/UsersPage';
import { DeliveriesPage, WebhooksPage } from './pages/WebhookPages';
import { Link, matchPath, navigate, Redirect, useLocation } from './router';
import { SessionProvider, useSession } from './session';
import { strings } from './strings';

// The dashboard brings the chart library: loaded when opened, not with every page. If that part
// of the portal cannot be fetched (the connection dropped, or a new release replaced it), say so.
const IncidentDashboardPage = lazy(() =>
  import('./pages/IncidentDashboardPage').then(
    (module) => ({ default: module.IncidentDashboardPage }),
    () => ({
      default: () => (
        <Page title={strings.incidentDashboardTitle}>
          <LoadError
            detail={strings.incidentDashboardLoadFailed}
            onRetry={() => window.location.reload()}
          />
        </Page>
      ),
    }),
  ),
);

const API_DOCS = '/api/docs';
const OPENAPI_DOCUMENT = '/api/openapi.json';

/** A page for signed-in users: who may open it, and what it shows. */
interface SignedInRoute {
  pattern: string;
  allowed: (me: Me) => boolean;
  render: (params: Record<string, string>) => ReactNode;
}

const SIGNED_IN_ROUTES: readonly SignedInRoute[] = [
  { pattern: '/organizations', allowed: () => true, render: () => <OrganizationsPage /> },
  {
    pattern: '/organizations/:id',
    allowed: () => true,
    render: ({ id = '' }) => <OrganizationPage key={id} id={id} />,
  },
  { pattern: '/users', allowed: () => true, render: () => <UsersPage /> },
  { pattern: '/appointments', allowed: may.viewAppointments, render: () => <AppointmentsPage /> },
  { pattern: '/audit', allowed: may.viewAuditTrail, render: () => <AuditPage /> },
  { pattern: '/authenticator', allowed: () => true, render: () => <EnrolmentPage chosen /> },
  { pattern: '/catalogs', allowed: () => true, render: () => <CatalogsPage /> },
  {
    pattern: '/catalogs/:id',
    allowed: () => true,
    render: ({ id = '' }) => <CatalogPage key={id} id={id} />,
  },
  {
    pattern: '/catalogs/:id/controls/:controlId',
    allowed: () => true,
    render: ({ id = '', controlId = '' }) => (
      <ControlPage key={`${id}/${controlId}`} catalogId={id} controlId={controlId} />
    ),
  },
  {
    pattern: '/levels/:code/draft',
    allowed: isOfficeStaff,
    render: ({ code = '' }) => <LevelDraftPage key={code} code={code} />,
  },
  { pattern: '/offerings', allowed: may.viewOfferings, render: () => <OfferingsPage /> },
  // Before /offerings/:id, which would take "new" for an id.
  { pattern: '/offerings/new', allowed: may.editOfferings, render: () => <NewOfferingPage /> },
  {
    pattern: '/offerings/:id',
    allowed: may.viewOfferings,
    render: ({ id = '' }) => <OfferingPage key={id} id={id} />,
  },
  {
    pattern: '/applications/:id/responses',
    allowed: may.viewOfferings,
    render: ({ id = '' }) => <ResponsesPage key={id} id={id} />,
  },
  { pattern: '/applications', allowed: may.viewApplications, render: () => <ApplicationsPage /> },
  {
    pattern: '/applications/:id',
    allowed: may.viewApplications,
    render: ({ id = '' }) => <ApplicationPage key={id} id={id} />,
  },
  {
    pattern: '/applications/:id/assessment',
    allowed: may.viewApplications,
    render: ({ id = '' }) => <AssessmentPage key={id} id={id} />,
  },
  // PSE systems, their classification and placement (issue 6).
  { pattern: '/systems', allowed: may.viewSystems, render: () => <SystemsPage /> },
  // Before /systems/:id, which would take "new" for an id.
  { pattern: '/systems/new', allowed: may.editSystems, render: () => <NewSystemPage /> },
  {
    pattern: '/systems/:id',
    allowed: may.viewSystems,
    render: ({ id = '' }) => <SystemPage key={id} id={id} />,
  },
  { pattern: '/placements', allowed: may.viewPlacements, render: () => <OutOfPolicyPage /> },
  { pattern: '/nocs', allowed: may.viewSystems, render: () => <NocsPage /> },
  {
    pattern: '/nocs/:id',
    allowed: may.viewSystems,
    render: ({ id = '' }) => <NocPage key={id} id={id} />,
  },
  { pattern: '/policy/draft', allowed: isOfficeStaff, render: () => <PolicyDraftPage /> },
  // Data-breach reports, report requests and response actions (issue 7).
  { pattern: '/incidents', allowed: may.viewIncidents, render: () => <IncidentsPage /> },
  // Before /incidents/:id, which would take "new" for an id.
  { pattern: '/incidents/new', allowed: may.reportIncident, render: () => <NewIncidentPage /> },
  {
    pattern: '/incidents/:id',
    allowed: may.viewIncidents,
    render: ({ id = '' }) => <IncidentPage key={id} id={id} />,
  },
  { pattern: '/report-requests', allowed: may.viewIncidents, render: () => <RequestsPage /> },
  {
    pattern: '/report-requests/:id',
    allowed: may.viewIncidents,
    render: ({ id = '' }) => <RequestPage key={id} id={id} />,
  },
  { pattern: '/response-actions', allowed: may.viewIncidents, render: () => <ActionsPage /> },
  {
    pattern: '/response-actions/:id',
    allowed: may.viewIncidents,
    render: ({ id = '' }) => <ActionPage key={id} id={id} />,
  },
  // Breaches, the incident dashboard, webhooks and deliveries (issue 7).
  { pattern: '/breaches', allowed: may.viewBreaches, render: () => <BreachesPage /> },
  {
    pattern: '/breaches/:id',
    allowed: may.viewBreaches,
    render: ({ id = '' }) => <BreachPage key={id} id={id} />,
  },
  {
    pattern: '/incident-dashboard',
    allowed: may.viewIncidentDashboard,
    render: () => (
      <Suspense fallback={<Loading />}>
        <IncidentDashboardPage />
      </Suspense>
    ),
  },
  { pattern: '/webhooks', allowed: may.manageNotifications, render: () => <WebhooksPage /> },
  { pattern: '/deliveries', allowed: may.manageNotifications, render: () => <DeliveriesPage /> },
];

/** Public pages: the same for visitors and signed-in users (published security levels). */
const PUBLIC_ROUTES: readonly Omit<SignedInRoute, 'allowed'>[] = [
  { pattern: '/levels', render: () => <LevelsPage /> },
  { pattern: '/levels/:code', render: ({ code = '' }) => <LevelPage key={code} code={code} /> },
  {
    pattern: '/levels/:code/versions/:version',
    render: ({ code = '', version = '' }) => (
      <LevelVersionPage key={`${code}@${version}`} code={code} version={version} />
    ),
  },
  { pattern: '/level-diff', render: () => <LevelDiffPage /> },
  { pattern: '/register', render: () => <RegisterPage /> },
  {
    pattern: '/register/:offeringId',
    render: ({ offeringId = '' }) => <RegisterEntryPage key={offeringId} offeringId={offeringId} />,
  },
  // The policy pack in force and its published versions (issue 6).
  { pattern: '/policy', render: () => <PolicyPage /> },
  {
    pattern: '/policy/versions/:version',
    render: ({ version = '' }) => <PolicyVersionPage key={version} version={version} />,
  },
];

/** Pages that work with or without a session: their one-time link is what counts. */
const LINK_PAGES: Record<string, () => ReactNode> = {
  '/setup': () => <SetupPage />,
  '/invitation': () => <InvitationPage />,
  '/reset-password': () => <ResetPasswordPage />,
};

function Routes() {
  const { pathname, search, hash } = useLocation();
  const { state, refresh } = useSession();
  const linkPage = LINK_PAGES[pathname.replace(/\/+$/, '') || '/'];
  // Keyed by the fragment: a second link pasted into the same tab starts the page afresh.
  if (linkPage) return <Fragment key={hash}>{linkPage()}</Fragment>;
  for (const publicRoute of PUBLIC_ROUTES) {
    const params = matchPath(publicRoute.pattern, pathname);
    if (params) return publicRoute.render(params);
  }

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'failed') {
    return (
      <Page title={strings.sessionFailedTitle}>
        <LoadError detail={state.detail} onRetry={() => void refresh()} />
      </Page>
    );
  }

  if (pathname === '/sign-in') {
    if (state.status !== 'signedIn') return <SignInPage />;
    const next = new URLSearchParams(search).get('next');
    return <Redirect to={next ?? '/'} />;
  }
  if (pathname === '/' && state.status === 'signedOut') return <VisitorHomePage />;

  const route =
    pathname === '/'
      ? undefined
      : SIGNED_IN_ROUTES.map((candidate) => ({
          candidate,
          params: matchPath(candidate.pattern, pathname),
        })).find((found) => found.params !== null);
  if (pathname !== '/' && !route) return <NotFoundPage />;

  if (state.status === 'signedOut') {
    return <SignInFirst next={`${pathname}${search}`} ended={state.ended} />;
  }
  if (state.secondFactor === 'enrol') return <EnrolmentPage />;
  if (state.secondFactor === 'verify') return <SecondFactorPage />;
  if (!route) return <DashboardPage me={state.me} />;
  if (!route.candidate.allowed(state.me)) return <NotAllowedPage />;
  return route.candidate.render(route.params ?? {});
}

/** A signed-in page asked for without a session: sign in, then come back here. */
function SignInFirst({ next, ended }: { next: string; ended: boolean }) {
  return (
    <Redirect
      to={`/sign-in?next=${encodeURIComponent(next)}`}
      flash={ended ? strings.sessionEnded : undefined}
    />
  );
}

function PrimaryNavigation({ me }: { me: Me }) {
  const { pathname } = useLocation();
  const items: { to: string; label: string; current: boolean }[] = [
    { to: '/', label: strings.navHome, current: pathname === '/' },
  ];
  if (isOfficeStaff(me)) {
    items.push({
      to: '/organizations',
      label: strings.navOrganizations,
      current: pathname.startsWith('/organizations'),
    });
  } else {
    const own = `/organizations/${me.organization.id}`;
    items.push({ to: own, label: strings.navYourOrganization, current: pathname === own });
  }
  items.push({ to: '/users', label: strings.navUsers, current: pathname === '/users' });
  if (may.viewOfferings(me)) {
    items.push({
      to: '/offerings',
      label: strings.navOfferings,
      current: pathname.startsWith('/offerings'),
    });
  }
  if (may.viewApplications(me)) {
    items.push({
      to: '/applications',
      label: strings.navApplications,
      current: pathname.startsWith('/applications'),
    });
  }
  if (may.viewSystems(me)) {
    items.push({
      to: '/systems',
      label: strings.navSystems,
      current: pathname.startsWith('/systems'),
    });
  }
  if (may.viewPlacements(me)) {
    items.push({
      to: '/placements',
      label: strings.navPlacements,
      current: pathname === '/placements',
    });
    items.push({
      to: '/nocs',
      label: strings.navNocs,
      current: pathname.startsWith('/nocs'),
    });
  }
  if (may.viewIncidents(me)) {
    items.push({
      to: '/incidents',
      label: strings.navIncidents,
      current: pathname.startsWith('/incidents'),
    });
    items.push({
      to: '/report-requests',
      label: strings.navReportRequests,
      current: pathname.startsWith('/report-requests'),
    });
    items.push({
      to: '/response-actions',
      label: strings.navResponseActions,
      current: pathname.startsWith('/response-actions'),
    });
  }
  if (may.viewBreaches(me)) {
    items.push({
      to: '/breaches',
      label: strings.navBreaches,
      current: pathname.startsWith('/breaches'),
    });
  }
  if (may.viewIncidentDashboard(me)) {
    items.push({
      to: '/incident-dashboard',
      label: strings.navIncidentDashboard,
      current: pathname === '/incident-dashboard',
    });
  }
  if (may.viewAppointments(me)) {
    items.push({
      to: '/appointments',
      label: strings.navAppointments,
      current: pathname === '/appointments',
    });
  }
  if (may.viewAuditTrail(me)) {
    items.push({ to: '/audit', label: strings.navAudit, current: pathname === '/audit' });
  }
  if (may.manageNotifications(me)) {
    items.push({ to: '/webhooks', label: strings.navWebhooks, current: pathname === '/webhooks' });
    items.push({
      to: '/deliveries',
      label: strings.navDeliveries,
      current: pathname === '/deliveries',
    });
  }
  items.push({
    to: '/catalogs',
    label: strings.navCatalogs,
    current: pathname.startsWith('/catalogs'),
  });
  items.push({
    to: '/levels',
    label: strings.navLevels,
    current: pathname.startsWith('/levels') || pathname === '/level-diff',
  });
  items.push({
    to: '/policy',
    label: strings.navPolicy,
    current: pathname.startsWith('/policy'),
  });
  return (
    <ul className="nav-list">
      {items.map((item) => (
        <li key={item.to}>
          <Link to={item.to} className="nav-link" aria-current={item.current ? 'page' : undefined}>
            {item.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function SignOutButton() {
  const { signOut } = useSession();
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="nav-button"
        onClick={() =>
          void signOut(false).then(
            () => navigate('/sign-in', { flash: strings.signedOut }),
            (error: unknown) =>
              setFailed(error instanceof ApiError ? error.detail : strings.errorUnexpected),
          )
        }
      >
        {strings.signOut}
      </button>
      {failed && (
        <span role="alert" className="nav-error">
          {failed}
        </span>
      )}
    </>
  );
}

function NavigationBar() {
  const { state } = useSession();
  const { pathname } = useLocation();
  if (state.status === 'loading' || state.status === 'failed') return null;
  const signedIn = state.status === 'signedIn';
  return (
    <nav className="nav-bar" aria-label={strings.mainNavLabel}>
      <div className="width-container nav-inner">
        {signedIn && state.secondFactor === 'done' ? (
          <PrimaryNavigation me={state.me} />
        ) : (
          <ul className="nav-list">
            <li>
              <Link
                to="/"
                className="nav-link"
                aria-current={pathname === '/' ? 'page' : undefined}
              >
                {strings.navHome}
              </Link>
            </li>
            <li>
              <Link
                to="/levels"
                className="nav-link"
                aria-current={pathname.startsWith('/levels') ? 'page' : undefined}
              >
                {strings.navLevels}
              </Link>
            </li>
            <li>
              <Link
                to="/register"
                className="nav-link"
                aria-current={pathname.startsWith('/register') ? 'page' : undefined}
              >
                {strings.navRegister}
              </Link>
            </li>
            <li>
              <Link
                to="/policy"
                className="nav-link"
                aria-current={pathname.startsWith('/policy') ? 'page' : undefined}
              >
                {strings.navPolicy}
              </Link>
            </li>
          </ul>
        )}
        <div className="nav-account">
          {signedIn ? (
            <>
              <span className="nav-who">
                <span className="visually-hidden">{strings.signedInAs} </span>
                {state.me.displayName}
              </span>
              <SignOutButton />
            </>
          ) : (
            pathname !== '/sign-in' && (
              <Link to="/sign-in" className="nav-link">
                {strings.signIn}
              </Link>
            )
          )}
        </div>
      </div>
    </nav>
  );
}

function Shell() {
  return (
    <>
      <a className="skip-link" href="#main">
        {strings.skipToMain}
      </a>
      <header className="masthead">
        <div className="width-container masthead-inner">
          <div>
            <h1 className="service-name">
              <Link to="/" className="service-name-link">
                {strings.serviceName}
              </Link>
            </h1>
            <p className="service-tagline">{strings.serviceTagline}</p>
          </div>
          <nav aria-label={strings.developerNavLabel}>
            <ul className="masthead-links">
              <li>
                <a href={API_DOCS}>{strings.apiDocumentation}</a>
              </li>
              <li>
                <a href={OPENAPI_DOCUMENT}>{strings.openApiDocument}</a>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <NavigationBar />
      <main id="main" tabIndex={-1} className="width-container">
        <Routes />
      </main>
      <footer className="site-footer">
        <div className="width-container">
          <p>{strings.footerNote}</p>
        </div>
      </footer>
    </>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
