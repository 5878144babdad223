import { DEFAULT_OBLIGATIONS } from '../duties/default-obligations.js';
import type { PolicyPack } from './model.js';

/**
 * The default policy pack of a new installation: the classes, rules and NOC rules of the reference
 * policy, Pakistan's Cloud First Policy (PCFP, federal cabinet, February 2022), as summarised in
 * PRODUCT.md. It is data like any pack an office publishes: the engine reads the country from
 * `homeCountry` and the words from here, so an office elsewhere edits this, not the code.
 *
 * The quotations in `clause` are the policy's own words as published with it by the Ministry of IT
 * & Telecom and the press (March 2022); an office should check them against its signed copy
 * before publishing its first version.
 */

const PCFP = 'Pakistan Cloud First Policy (2022)';

export const DEFAULT_POLICY_PACK: PolicyPack = {
  homeCountry: 'PK',
  classes: [
    {
      code: 'open',
      name: 'Open',
      rank: 1,
      definition:
        'Data the entity publishes for anyone to use, structured so that it is fully discoverable ' +
        'and usable. An entity that classifies data as Open shares its criteria with the Cloud Office.',
      examples: [
        'datasets published on an open-data portal',
        'published budgets and spending',
        'public transport timetables',
      ],
    },
    {
      code: 'public',
      name: 'Public',
      rank: 2,
      definition:
        'Data about the public sector that is not confidential and is available to the public, ' +
        'whose disclosure harms no one.',
      examples: ['press releases', 'forms and guidance for citizens', 'a published tender notice'],
    },
    {
      code: 'restricted',
      name: 'Restricted',
      rank: 3,
      definition:
        'Data about public-sector business, operations and services that is not sensitive in ' +
        "nature, but whose compromise could harm the government's work or the country's " +
        'reputation: a limited adverse effect.',
      examples: [
        'internal correspondence and meeting minutes',
        'a draft policy before publication',
        'procurement working papers',
      ],
    },
    {
      code: 'sensitive',
      name: 'Sensitive (Confidential)',
      rank: 4,
      definition:
        'Information not intended to be published, that only people with proper authorisation ' +
        'may see, and that justifies moderate protective measures: its compromise would have a ' +
        'serious adverse effect.',
      examples: [
        "citizens' personal records (identity, health, tax)",
        'personnel files',
        'an investigation in progress',
      ],
    },
    {
      code: 'secret',
      name: 'Secret',
      rank: 5,
      definition:
        'Information that requires the highest level of protection from serious threats: its ' +
        'breach can threaten life or public security, cause financial losses or serious damage to ' +
        'the public interest.',
      examples: [
        'national security information',
        'defence and law-enforcement operations',
        'critical-infrastructure designs and vulnerabilities',
      ],
    },
  ],
  deploymentModels: [
    {
      code: 'public',
      name: 'public cloud',
      description:
        'Multi-tenant cloud shared with any customer, public or private; it may be inside or ' +
        'outside the country.',
    },
    {
      code: 'government',
      name: 'government cloud',
      description:
        'Cloud physically located in the country whose resources are shared among public service ' +
        'entities only.',
    },
    {
      code: 'private',
      name: 'private cloud',
      description:
        'Cloud for one entity alone; setting one up needs an exemption (NOC) from the Cloud Office.',
    },
    {
      code: 'hybrid',
      name: 'hybrid cloud',
      description:
        'A combination of the other models; each part follows the rule of the data it holds.',
    },
  ],
  serviceModels: [
    { code: 'saas', name: 'SaaS', description: 'Software as a Service: the preferred model.' },
    { code: 'paas', name: 'PaaS', description: 'Platform as a Service: next after SaaS.' },
    { code: 'iaas', name: 'IaaS', description: 'Infrastructure as a Service: last of the three.' },
  ],
  classification: {
    // FIPS 199 confidentiality impact -> class. "none": disclosure harms no one (Public; Open is a
    // publication decision under the open-data criteria, not an impact, so the questionnaire never
    // gives it). "low" = limited adverse effect, the policy's Restricted ("can undermine the
    // country's reputation"); "moderate" = serious, Sensitive ("moderate protective measures");
    // "high" = severe or catastrophic, Secret ("threat to life or public security").
    byConfidentiality: { none: 'public', low: 'restricted', moderate: 'sensitive', high: 'secret' },
    byMarking: [
      {
        marking: 'national_security',
        classCode: 'secret',
        label: 'national security information',
      },
    ],
  },
  rules: [
    {
      classCode: 'open',
      minimumLevel: 'baseline',
      deploymentModels: ['public', 'government'],
      customerDataIn: 'anywhere',
      allDataIn: false,
      conditions: [],
      clause: `${PCFP}, Open data: it "needs baseline security and will be placed on the public cloud"`,
    },
    {
      classCode: 'public',
      minimumLevel: 'baseline',
      deploymentModels: ['public', 'government'],
      customerDataIn: 'anywhere',
      allDataIn: false,
      conditions: [],
      clause: `${PCFP}, Public data: it "will also need baseline security arrangements and will be placed on a public cloud"`,
    },
    {
      classCode: 'restricted',
      minimumLevel: 'intermediate',
      deploymentModels: ['government'],
      customerDataIn: ['home'],
      allDataIn: false,
      conditions: [],
      clause: `${PCFP}, Restricted data: it "will need intermediate security arrangements and will be placed on Government Cloud by an accredited Cloud Service Provider"; a government cloud "must be physically located in Pakistan"`,
    },
    {
      classCode: 'sensitive',
      minimumLevel: 'enhanced',
      deploymentModels: ['government'],
      customerDataIn: ['home'],
      allDataIn: true,
      conditions: [],
      clause: `${PCFP}, Sensitive/Confidential data: it "will need enhanced security arrangements and will also be placed on Government Cloud by an accredited Cloud Service Provider"; a government cloud "must be physically located in Pakistan"`,
    },
    {
      classCode: 'secret',
      minimumLevel: 'maximum',
      deploymentModels: ['government'],
      customerDataIn: ['home'],
      allDataIn: true,
      conditions: [
        {
          id: 'dedicated_tenancy',
          text: 'The system runs in a dedicated or isolated tenancy, not shared with other entities.',
          clause: `${PCFP}, Secret data: government cloud in a dedicated or isolated tenancy (the Cloud Office's table of classes)`,
        },
        {
          id: 'operated_onshore',
          text: 'The service is operated onshore: administered and supported only from within the country.',
          clause: `${PCFP}, Secret data: kept in the country and operated onshore (the Cloud Office's table of classes)`,
        },
      ],
      clause: `${PCFP}, Secret data: it requires "the highest level of protection" (maximum security arrangements) and is placed on Government Cloud, which "must be physically located in Pakistan"`,
    },
  ],
  accreditationClause: `${PCFP}, accreditation: public service entities use cloud services of a Cloud Service Provider accredited by the Cloud Office; Restricted and higher data "will be placed on Government Cloud by an accredited Cloud Service Provider"`,
  nocRules: [
    {
      classCode: 'sensitive',
      deviations: ['deployment_model'],
      deploymentModels: ['private'],
      maxMonths: 12,
      clause: `${PCFP}, exemptions: a public service entity that wants to set up a private cloud needs "a time-based No Objection Certificate (NOC)" from the Cloud Office "if there is a legitimate reason for deviation/exemption"`,
    },
    {
      classCode: 'secret',
      deviations: ['deployment_model'],
      deploymentModels: ['private'],
      maxMonths: 12,
      clause: `${PCFP}, exemptions: a public service entity that wants to set up a private cloud needs "a time-based No Objection Certificate (NOC)" from the Cloud Office "if there is a legitimate reason for deviation/exemption"`,
    },
  ],
  // The duties, deadlines and severity matrix of the reference policy (issue 7).
  duties: DEFAULT_OBLIGATIONS,
};
