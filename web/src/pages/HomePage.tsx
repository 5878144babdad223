import { useState } from 'react';
import { may, isOfficeStaff } from '../access';
import { ApiError, type Me } from '../api';
import { Page, PageHeading, Section, StatusMessage } from '../components/Page';
import { ServiceStatusPanel } from '../components/ServiceStatus';
import { WaitingApplications } from './ApplicationPages';
import { formatDay, roleName } from '../display';
import { Link, navigate, useFlash } from '../router';
import { useSession } from '../session';
import { format, strings } from '../strings';

/** The first page for visitors: what the service is, and whether it is running. */
export function VisitorHomePage() {
  const flash = useFlash();
  return (
    <div className="layout">
      <section className="about">
        <PageHeading title={strings.welcomeHeading}>{strings.welcomeHeading}</PageHeading>
        <StatusMessage message={flash} />
        <p className="lead">{strings.welcomeIntro}</p>
        <h3>{strings.purposeHeading}</h3>
        <ul className="purposes">
          <li>{strings.purposeSecurityLevels}</li>
          <li>{strings.purposeDataPlacement}</li>
          <li>{strings.purposeAccreditation}</li>
          <li>{strings.purposeBreaches}</li>
        </ul>
        <p>
          <Link to="/register" className="destination-link">
            {strings.visitorRegisterLink}
          </Link>
        </p>
        <div className="notice">
          <p>{strings.signInInvitation}</p>
          <p className="button-row">
            <Link to="/sign-in" className="button button-primary">
              {strings.signIn}
            </Link>
          </p>
        </div>
      </section>
      <ServiceStatusPanel />
    </div>
  );
}

interface Destination {
  to: string;
  label: string;
  description: string;
}

/** The parts of the portal a user may open, in the order of the navigation. */
export function destinations(me: Me): Destination[] {
  const list: Destination[] = [];
  if (isOfficeStaff(me)) {
    list.push({
      to: '/organizations',
      label: strings.navOrganizations,
      description: strings.dashOrganizations,
    });
  } else {
    list.push({
      to: `/organizations/${me.organization.id}`,
      label: strings.navYourOrganization,
      description: strings.dashYourOrganization,
    });
  }
  list.push({
    to: '/users',
    label: strings.navUsers,
    description: may.invite(me) ? strings.dashUsersManage : strings.dashUsers,
  });
  if (may.viewOfferings(me)) {
    list.push({
      to: '/offerings',
      label: strings.navOfferings,
      description: isOfficeStaff(me) ? strings.dashOfferingsOffice : strings.dashOfferings,
    });
  }
  if (may.viewApplications(me)) {
    list.push({
      to: '/applications',
      label: strings.navApplications,
      description: strings.dashApplications,
    });
  }
  if (may.viewSystems(me)) {
    list.push({
      to: '/systems',
      label: strings.navSystems,
      description: isOfficeStaff(me) ? strings.dashSystemsOffice : strings.dashSystems,
    });
  }
  if (may.viewPlacements(me)) {
    list.push({
      to: '/placements',
      label: strings.navPlacements,
      description: strings.dashPlacements,
    });
    list.push({ to: '/nocs', label: strings.navNocs, description: strings.dashNocs });
  }
  if (may.viewIncidents(me)) {
    list.push({
      to: '/incidents',
      label: strings.navIncidents,
      description: isOfficeStaff(me) ? strings.dashIncidentsOffice : strings.dashIncidents,
    });
  }
  if (may.reportIncident(me)) {
    list.push({
      to: '/incidents/new',
      label: strings.incReportLink,
      description: strings.dashReportIncident,
    });
  }
  if (may.viewBreaches(me)) {
    list.push({
      to: '/breaches',
      label: strings.navBreaches,
      description: isOfficeStaff(me) ? strings.dashBreachesOffice : strings.dashBreaches,
    });
  }
  if (may.viewIncidentDashboard(me)) {
    list.push({
      to: '/incident-dashboard',
      label: strings.navIncidentDashboard,
      description: strings.dashIncidentDashboard,
    });
  }
  if (may.viewAppointments(me)) {
    list.push({
      to: '/appointments',
      label: strings.navAppointments,
      description: strings.dashAppointments,
    });
  }
  if (may.viewAuditTrail(me)) {
    list.push({ to: '/audit', label: strings.navAudit, description: strings.dashAudit });
  }
  if (may.manageNotifications(me)) {
    list.push({ to: '/webhooks', label: strings.navWebhooks, description: strings.dashWebhooks });
    list.push({
      to: '/deliveries',
      label: strings.navDeliveries,
      description: strings.dashDeliveries,
    });
  }
  list.push({ to: '/register', label: strings.navRegister, description: strings.dashRegister });
  list.push({ to: '/policy', label: strings.navPolicy, description: strings.dashPolicy });
  return list;
}

/** A signed-in user's first page: who they are here, and where they can go. */
export function DashboardPage({ me }: { me: Me }) {
  return (
    <Page
      title={strings.dashboardTitle}
      heading={format(strings.dashboardHeading, { name: me.displayName })}
    >
      <div className="layout">
        <div className="stack">
          <Section id="destinations" title={strings.dashDestinationsHeading}>
            <ul className="destinations">
              {destinations(me).map((destination) => (
                <li key={destination.to}>
                  <Link to={destination.to} className="destination-link">
                    {destination.label}
                  </Link>
                  <p>{destination.description}</p>
                </li>
              ))}
            </ul>
          </Section>
          <WaitingApplications me={me} />
        </div>
        <div className="stack">
          <AccountPanel me={me} />
          <SessionsPanel />
        </div>
      </div>
    </Page>
  );
}

function AccountPanel({ me }: { me: Me }) {
  return (
    <Section id="account" title={strings.accountHeading}>
      <dl className="facts facts-stacked">
        <dt>{strings.accountName}</dt>
        <dd>{me.displayName}</dd>
        <dt>{strings.accountEmail}</dt>
        <dd>{me.email}</dd>
        <dt>{strings.accountOrganization}</dt>
        <dd>
          <Link to={`/organizations/${me.organization.id}`}>{me.organization.name}</Link>
        </dd>
        <dt>{strings.accountRole}</dt>
        <dd>{roleName(me.role)}</dd>
        {me.secondFactorEnrolled !== undefined && (
          <>
            <dt>{strings.accountSecondFactor}</dt>
            <dd>
              {me.secondFactorEnrolled
                ? strings.accountSecondFactorOn
                : strings.accountSecondFactorOff}
              <span className="block">
                <Link to="/authenticator" className="secondary-link">
                  {me.secondFactorEnrolled
                    ? strings.accountSecondFactorMove
                    : strings.accountSecondFactorSetUp}
                </Link>
              </span>
            </dd>
          </>
        )}
        {isOfficeStaff(me) && (
          <>
            <dt>{strings.accountPosts}</dt>
            <dd>
              {me.positions.length === 0 ? (
                strings.accountNoPosts
              ) : (
                <ul className="plain-list">
                  {me.positions.map((position) => (
                    <li key={`${position.code}-${String(position.additionalCharge)}`}>
                      {position.title}
                      {position.additionalCharge && ` ${strings.additionalChargeMark}`}
                      {position.endsOn && (
                        <span className="secondary-text">
                          {' '}
                          {format(strings.accountPostUntil, { day: formatDay(position.endsOn) })}
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>
    </Section>
  );
}

function SessionsPanel() {
  const { signOut } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const everywhere = async () => {
    try {
      await signOut(true);
      navigate('/sign-in', { flash: strings.signedOutEverywhere });
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : strings.errorUnexpected);
    }
  };
  return (
    <Section id="sessions" title={strings.sessionsHeading}>
      <p>{strings.sessionsIntro}</p>
      {problem && (
        <p className="field-error-message" role="alert">
          {problem}
        </p>
      )}
      <button type="button" className="button button-warning" onClick={() => void everywhere()}>
        {strings.signOutEverywhere}
      </button>
    </Section>
  );
}
