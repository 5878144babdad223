import type { OrganizationKind, OrganizationStatus, PseTier, UserStatus } from './api';

/**
 * Every word the portal shows, in one table per language. A translation (Urdu next, written right
 * to left) copies `en`, keeps the keys and sets `lang` and `dir`; typing it as `PortalStrings` makes
 * a missing key a compile error. `{name}` marks a value filled in by `format`; a translation may
 * move it anywhere in the sentence. Text that comes from the server (a problem's `detail`, the
 * titles of posts) is shown as the server sends it.
 */
const en = {
  lang: 'en',
  dir: 'ltr' as 'ltr' | 'rtl',
  /** How dates and times are written (day month year, 24-hour clock). */
  locale: 'en-GB',

  // The frame of every page
  serviceName: 'Cloud Office',
  serviceTagline: 'Government cloud policy, accreditation and compliance',
  windowTitle: '{page} — Cloud Office',
  skipToMain: 'Skip to main content',
  developerNavLabel: 'Developer resources',
  mainNavLabel: 'Main',
  apiDocumentation: 'API documentation',
  openApiDocument: 'OpenAPI document',
  footerNote: 'Cloud Office — a public service of the government cloud office.',
  navHome: 'Home',
  navOrganizations: 'Organizations',
  navYourOrganization: 'Your organization',
  navUsers: 'Users',
  navAppointments: 'Appointments',
  navAudit: 'Audit trail',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',

  // The first page, for visitors
  welcomeHeading: 'About this service',
  welcomeIntro:
    'Cloud Office is the public service of the government’s cloud office: the office that decides which government data may be held in which cloud, accredits the providers of those clouds and holds everyone to the rules.',
  purposeHeading: 'The service is for',
  purposeSecurityLevels:
    'publishing the security levels that cloud services must meet, built on recognised national and international standards;',
  purposeDataPlacement:
    'deciding where government data may be placed, according to its classification and the deployment model of the cloud;',
  purposeAccreditation:
    'accrediting cloud service providers, and keeping a public register of those accredited;',
  purposeBreaches:
    'receiving reports of breaches and incidents from providers and public bodies, and following up on them.',
  signInInvitation:
    'Officers of the Cloud Office and staff of registered providers, public bodies and audit firms sign in to use the service. Other systems can use its programming interface, described in the API documentation.',

  // Service status
  statusHeading: 'Service status',
  statusChecking: 'Checking the service…',
  statusOperational: 'Operational',
  statusNotReady: 'Not ready: {detail}',
  statusUnreachable: 'The status could not be checked: {reason}',
  statusCheckAgain: 'Check again',
  statusStateLabel: 'Status',
  statusVersionLabel: 'Version',
  statusApiVersionLabel: 'API version',
  reasonNoAnswer: 'the server did not answer.',
  reasonTimedOut: 'the server took too long to answer.',
  reasonUnexpectedAnswer: '{path} answered with HTTP status {status}.',
  reasonMalformedAnswer: '{path} did not answer in the expected form.',

  // Shared words
  loading: 'Loading…',
  working: 'Working…',
  none: 'None',
  never: 'Never',
  utc: 'UTC',
  save: 'Save',
  cancel: 'Cancel',
  search: 'Search',
  show: 'Show',
  chooseOne: 'Choose one',
  optionalMark: '(optional)',
  tryAgain: 'Try again',
  goHome: 'Go to the home page',
  actionsLabel: 'Actions',
  nameLabel: 'Name',
  emailLabel: 'E-mail address',
  passwordLabel: 'Password',
  newPasswordLabel: 'New password',
  passwordHint:
    'At least 12 characters. A few unrelated words make a good password that is easy to remember.',
  yourNameLabel: 'Your full name',
  personNameLabel: 'Full name',
  personWithEmail: '{name} ({email})',
  roleLabel: 'Role',
  statusLabel: 'Status',
  kindLabel: 'Kind of organization',
  organizationLabel: 'Organization',
  createdLabel: 'Created',
  updatedLabel: 'Last changed',
  lastSignInLabel: 'Last signed in',

  // Lists
  resultCount: 'Showing {from} to {to} of {total}',
  noResults: 'Nothing matches.',
  paginationLabel: 'Pages',
  previousPage: 'Previous page',
  nextPage: 'Next page',
  pageOf: 'Page {page} of {pages}',

  // Errors
  errorSummaryTitle: 'There is a problem',
  errorPrefix: 'Error:',
  errorFieldEntry: '{field}: {message}',
  errorRequired: 'This field is required.',
  errorCheckFields: 'Some fields need your attention before this can be sent.',
  errorNetwork:
    'The server could not be reached. Check your connection, then try again in a moment.',
  errorUnexpected: 'Something went wrong in the portal. Reload the page and try again.',
  errorUnexpectedAnswer: 'The server answered with HTTP status {status}.',
  errorMalformedAnswer: 'The server’s answer could not be read.',
  loadFailedTitle: 'This could not be loaded',
  sessionFailedTitle: 'The portal could not start',

  // Not found and not allowed
  notFoundTitle: 'Page not found',
  notFound: 'There is no page at this address. Check that it was typed or copied in full.',
  recordNotFoundTitle: 'Not found',
  recordNotFound: 'This record does not exist, or you may not see it.',
  notAllowedTitle: 'You cannot open this page',
  notAllowed:
    'Your role, or the posts you hold today, do not give access to this page. If you need it, ask an officer who manages users or appointments.',

  // Sign-in and account links
  signInTitle: 'Sign in',
  forgotPassword: 'Forgotten your password?',
  signedOut: 'You have signed out.',
  signedOutEverywhere: 'You have signed out on every device.',
  sessionEnded: 'Your session has ended. Sign in again to carry on.',
  backToSignIn: 'Back to sign in',
  setupTitle: 'Set up the Cloud Office',
  setupIntro:
    'This creates the Cloud Office and your account as its first officer, the DG Cloud. The link works once.',
  setupOfficeName: 'Name of the office',
  setupOfficeNameHint:
    'As it should appear to everyone, for example “Cloud Office, Ministry of IT”.',
  setupSubmit: 'Create the office',
  setupDone: 'The Cloud Office is set up. Sign in with the e-mail address and password you chose.',
  setupNoToken:
    'This page needs the one-time setup link that the server printed when it started. Open that link in full.',
  setupAlreadyDone: 'The Cloud Office has already been set up, so this link no longer works.',
  invitationTitle: 'Accept your invitation',
  invitationIntro: 'Choose the password for your Cloud Office account. The link works once.',
  invitationSubmit: 'Set password and accept',
  invitationAccepted: 'Your account {email} is ready. Sign in with your new password.',
  invitationNoToken:
    'This page needs the link from your invitation e-mail. Open that link in full, or ask your administrator to invite you again.',
  resetRequestTitle: 'Reset your password',
  resetRequestIntro:
    'Enter the e-mail address of your account. We will send it a link to choose a new password; the link works for an hour.',
  resetRequestSubmit: 'Send the link',
  resetSentTitle: 'Check your e-mail',
  resetSent: 'If {email} has an account, a link to reset its password is on its way.',
  resetSentNext:
    'The link works for an hour, once. If nothing arrives in a few minutes, check your spam folder, or ask again.',
  resetChooseTitle: 'Choose a new password',
  resetChooseIntro: 'Choosing a new password signs your account out everywhere, on every device.',
  resetChooseSubmit: 'Save the new password',
  resetDone: 'Your password has been changed. Sign in with the new one.',

  // The second factor
  totpCodeLabel: 'Security code',
  totpCodeHint: 'The 6-digit code your authenticator app shows now.',
  totpCodeFormat: 'Enter the 6 digits your app shows.',
  totpVerifyTitle: 'Enter your security code',
  totpVerifyIntro:
    'Open the authenticator app you set up for Cloud Office, and enter the code it shows. A new code appears every 30 seconds.',
  totpVerifySubmit: 'Continue',
  totpSignOutInstead: 'Sign out instead',
  totpEnrolTitle: 'Set up your authenticator app',
  totpEnrolIntro:
    'Officers of the Cloud Office sign in with a password and a security code from an authenticator app on their phone. Set the app up now; it takes a minute.',
  totpEnrolNeedApp:
    'You need an authenticator app on your phone, such as the one your organization recommends. Then start here.',
  totpEnrolStart: 'Start setting up',
  totpEnrolKeyHeading: '1. Add Cloud Office to your app',
  totpEnrolKeyIntro:
    'In your app, choose to add an account by entering a key, and type in this account name and key.',
  totpEnrolAccount: 'Account',
  totpEnrolIssuer: 'Issuer',
  totpEnrolKey: 'Key',
  totpEnrolKeyHint:
    'The key is shown in groups of four to make it easier to type; the spaces do not matter. Keep it secret: anyone with it can make your codes.',
  totpEnrolUriSummary: 'Your app asks for a setup address instead',
  totpEnrolUriIntro: 'Some apps accept the whole setup address. Copy all of it:',
  totpEnrolConfirmHeading: '2. Enter the code your app shows',
  totpEnrolConfirmSubmit: 'Confirm and continue',
  totpEnrolChosenIntro:
    'With an authenticator app, signing in takes your password and a security code from your phone, so a stolen password alone is not enough.',
  totpEnrolReplaceIntro:
    'Moving to a new phone? Set the app up on it here. Your current app keeps working until the new one is confirmed.',
  totpEnrolDone:
    'Your authenticator app is set up. You will be asked for a code each time you sign in.',
  accountSecondFactor: 'Security code at sign-in',
  accountSecondFactorOn: 'On',
  accountSecondFactorOff: 'Off',
  accountSecondFactorSetUp: 'Set up an authenticator app',
  accountSecondFactorMove: 'Move to a new authenticator app',

  // The dashboard
  dashboardTitle: 'Home',
  dashboardHeading: 'Welcome, {name}',
  dashDestinationsHeading: 'What you can do here',
  dashOrganizations:
    'The Cloud Office, cloud service providers, public service entities and audit firms.',
  dashYourOrganization: 'Your organization’s details and its people.',
  dashUsers: 'The people of your organization who use Cloud Office.',
  dashUsersManage: 'Invite people, and disable or enable their accounts.',
  dashAppointments: 'Who holds which post of the office, and since when.',
  dashAudit: 'Every change and every refused attempt, with a check that nothing was altered.',
  accountHeading: 'Your account',
  accountName: 'Name',
  accountEmail: 'E-mail address',
  accountOrganization: 'Organization',
  accountRole: 'Role',
  accountPosts: 'Posts held today',
  accountNoPosts: 'None',
  accountPostUntil: '(until {day})',
  additionalChargeMark: '(additional charge)',
  sessionsHeading: 'Your sessions',
  sessionsIntro:
    'Lost a device, or signed in on a shared computer? Signing out everywhere ends every session of your account, this one included.',
  signOutEverywhere: 'Sign out everywhere',

  // Organizations
  organizationsTitle: 'Organizations',
  organizationsIntro:
    'The Cloud Office, the cloud service providers it accredits, the public service entities that use cloud services, and the audit firms that assess them.',
  organizationsSearchLabel: 'Find organizations',
  organizationsOwnOnly: 'You see your own organization only.',
  allKinds: 'All kinds',
  nameSearchLabel: 'Name contains',
  shortNameLabel: 'Short name',
  shortNameHint: 'An abbreviation people know, such as “MoITT”.',
  tierLabel: 'Tier',
  parentLabel: 'Parent organization',
  parentHint: 'The public service entity this one belongs to, such as its ministry.',
  contactEmailLabel: 'Contact e-mail address',
  archiveHint: 'An archived organization stays on record, but its people cannot sign in.',
  organizationCreateHeading: 'Add an organization',
  organizationCreateSubmit: 'Add organization',
  organizationCreated: '{name} has been added.',
  organizationTitle: 'Organization',
  organizationDetailsHeading: 'Details',
  organizationEdit: 'Change these details',
  organizationEditHeading: 'Change the details',
  organizationSaved: 'The changes have been saved.',
  nothingChanged: 'Nothing was changed.',
  organizationUsersHeading: 'People',
  organizationNoUsers: 'Nobody in this organization uses Cloud Office yet.',
  organizationManageUsers: 'Invite or manage the people of this organization',
  organizationAllUsers: 'See all the people of this organization',
  moreUsers: 'The first 200 of {total} are shown.',
  organizationKinds: {
    cloud_office: 'Cloud Office',
    csp: 'Cloud service provider',
    pse: 'Public service entity',
    audit_firm: 'Audit firm',
  } satisfies Record<OrganizationKind, string>,
  pseTiers: {
    ministry: 'Ministry',
    division: 'Division',
    department: 'Department',
    attached_body: 'Attached body',
  } satisfies Record<PseTier, string>,
  organizationStatuses: {
    pending: 'Pending',
    active: 'Active',
    declined: 'Declined',
    archived: 'Archived',
  } satisfies Record<OrganizationStatus, string>,

  // Users
  usersTitle: 'Users',
  usersIntroOffice: 'Everyone with an account, in every organization.',
  usersIntroOwn: 'The people of {organization} who have an account.',
  usersSearchLabel: 'Find users',
  userSearchLabel: 'Name or e-mail contains',
  allOrganizations: 'All organizations',
  anyStatus: 'Any status',
  disable: 'Disable',
  enable: 'Enable',
  disableQuestion: 'Disabling ends their sessions at once.',
  disableConfirm: 'Disable {name}',
  disableConfirmLabel: 'Confirm disabling {name}',
  userDisabled: 'The account of {name} is disabled, and their sessions have ended.',
  userEnabled: 'The account of {name} is enabled again.',
  inviteHeading: 'Invite a person',
  inviteIntro:
    'They receive an e-mail with a link to choose their password. The link works for seven days.',
  inviteSubmit: 'Send invitation',
  invitationSent: 'An invitation has been sent to {email}. Its link works until {until}.',
  invitationNotSent:
    'The account for {email} has been made, but this server does not send e-mail, so the invitation link was not sent. Ask the server’s administrator to set up e-mail (SMTP_URL).',
  roleHintChooseOrganization: 'Choose the organization first: the roles depend on its kind.',
  userStatuses: {
    invited: 'Invited',
    active: 'Active',
    disabled: 'Disabled',
  } satisfies Record<UserStatus, string>,
  roles: {
    officer: 'Officer',
    board_member: 'Board member',
    csp_admin: 'Administrator',
    csp_security_officer: 'Security officer',
    csp_staff: 'Staff',
    pse_admin: 'Administrator',
    pse_data_owner: 'Data owner',
    pse_staff: 'Staff',
    audit_firm_admin: 'Administrator',
    auditor: 'Auditor',
  } as Record<string, string>,

  // Appointments
  appointmentsTitle: 'Appointments',
  appointmentsIntro:
    'Who holds which post of the office. An officer’s powers come from the posts they hold on the day, their own or as an additional charge.',
  appointmentsFilterLabel: 'Choose a day',
  inForceOnLabel: 'In force on',
  inForceOnHint: 'Leave empty to see every appointment, past and future.',
  postLabel: 'Post',
  holderLabel: 'Holder',
  officerLabel: 'Officer',
  startsOnLabel: 'From',
  endsOnLabel: 'Until',
  endsOnHint: 'The last day in the post. Leave empty if the end is not known.',
  chargeLabel: 'Charge',
  noteLabel: 'Note',
  noEnd: 'No end set',
  ownPost: 'Own post',
  additionalCharge: 'Additional charge',
  additionalChargeCheckbox: 'As an additional charge',
  additionalChargeHint: 'Held beside the officer’s own post; the post keeps its own holder.',
  endAppointment: 'End appointment',
  endAppointmentOf: 'of {name} as {post}',
  lastDayLabel: 'Last day in the post',
  appointmentEnded: '{name} holds {post} until {day}.',
  appointHeading: 'Appoint an officer',
  appointIntro:
    'A post has one holder at a time: to hand a post over, end the current appointment first. An additional charge may overlap.',
  appointSubmit: 'Appoint',
  appointmentMade: '{name} is appointed {post} from {day}.',

  // The audit trail
  auditTitle: 'Audit trail',
  auditIntro:
    'Every change, sign-in and refused attempt, newest first. Each event is chained to the one before it by a hash, so that editing, removing or reordering events can be detected.',
  auditFilterLabel: 'Filter events',
  auditActionLabel: 'Action',
  auditActionHint: 'Or its start: “auth”, “organization”, “organization.create”.',
  auditOutcomeLabel: 'Outcome',
  auditAnyOutcome: 'Any outcome',
  auditFromLabel: 'From (date)',
  auditToLabel: 'To (date, included)',
  auditApply: 'Apply filters',
  auditExport: 'Export as CSV',
  auditVerify: 'Verify the chain',
  auditVerifying: 'Verifying…',
  auditIntactTitle: 'The audit trail is intact',
  auditIntact: 'All {count} events were checked, and none was edited, removed or moved.',
  auditLastHash: 'Hash of the last event, to compare with a copy kept elsewhere:',
  auditBrokenTitle: 'The audit trail has been tampered with',
  auditBroken: 'At event {seq}: {message}',
  auditBrokenUnknown: 'The check failed without naming an event.',
  auditLoadMore: 'Load more',
  auditLoaded: '{count} events shown, newest first.',
  auditMoreLoaded: '{count} more events loaded.',
  auditNoEvents: 'No events match these filters.',
  auditWhen: 'When',
  auditWho: 'Who',
  auditTarget: 'Target',
  auditDetails: 'Details',
  auditSeq: 'Event {seq}',
  auditNoActor: 'The system',
  auditSummaryParts: { before: 'Before', after: 'After' },
  auditNoValue: 'none',
  auditSummaryField: '{field}: {value}',
  outcomes: { success: 'Done', denied: 'Refused' },
};

/** The shape every language's table must have. */
export type PortalStrings = typeof en;

export { en };

/** The language the portal shows; one place to switch when a choice of language arrives. */
export const strings: PortalStrings = en;

/** Fills `{name}` placeholders; a placeholder with no value stays visible rather than vanishing. */
export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}
