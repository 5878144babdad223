/**
 * Every word the portal shows, in one table per language. A translation (Urdu next, written right to
 * left) copies `en`, keeps the keys and sets `lang` and `dir`; the type makes a missing key a
 * compile error. `{name}` marks a value filled in by `format`.
 */
export interface PortalStrings {
  lang: string;
  dir: 'ltr' | 'rtl';

  serviceName: string;
  serviceTagline: string;
  skipToMain: string;
  developerNavLabel: string;

  welcomeHeading: string;
  welcomeIntro: string;
  purposeHeading: string;
  purposeSecurityLevels: string;
  purposeDataPlacement: string;
  purposeAccreditation: string;
  purposeBreaches: string;
  underConstruction: string;

  statusHeading: string;
  statusChecking: string;
  statusOperational: string;
  statusNotReady: string;
  statusUnreachable: string;
  statusCheckAgain: string;
  statusStateLabel: string;
  statusVersionLabel: string;
  statusApiVersionLabel: string;

  reasonNoAnswer: string;
  reasonTimedOut: string;
  reasonUnexpectedAnswer: string;
  reasonMalformedAnswer: string;

  apiDocumentation: string;
  openApiDocument: string;

  footerNote: string;
}

export const en: PortalStrings = {
  lang: 'en',
  dir: 'ltr',

  serviceName: 'Cloud Office',
  serviceTagline: 'Government cloud policy, accreditation and compliance',
  skipToMain: 'Skip to main content',
  developerNavLabel: 'Developer resources',

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
  underConstruction:
    'The service is being built, and signing in is not available yet. Other systems can already use its programming interface, described in the API documentation.',

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

  apiDocumentation: 'API documentation',
  openApiDocument: 'OpenAPI document',

  footerNote: 'Cloud Office — a public service of the government cloud office.',
};

/** The language the portal shows; one place to switch when a choice of language arrives. */
export const strings: PortalStrings = en;

/** Fills `{name}` placeholders; a placeholder with no value stays visible rather than vanishing. */
export function format(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}
