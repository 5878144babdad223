import type { Command } from 'commander';
import { presentOffering, type OfferingView } from '../../features/offerings/presenter.js';
import * as offerings from '../../features/offerings/service.js';
import { withContext, type CliIo } from '../io.js';

const PURPOSES = {
  customer_data: 'customer data',
  backup: 'backup',
  disaster_recovery: 'disaster recovery',
} as const;

/** The offering as lines of text for `offering show`. */
function describe(view: OfferingView): string[] {
  const lines = [
    `${view.name} (${view.id})`,
    `  provider:     ${view.organizationName} (${view.organizationId})`,
    `  models:       ${view.serviceModel.toUpperCase()}, ${view.deploymentModel} cloud`,
    ...(view.website ? [`  website:      ${view.website}`] : []),
    `  description:  ${view.description}`,
    `  customer data in: ${view.residency.customerDataCountries.join(', ')}`,
    'Data centres:',
    ...view.locations.map(
      (l) => `  ${l.country}  ${l.city}, ${l.operator} (${PURPOSES[l.purpose]})`,
    ),
    'Certifications:',
    ...(view.certifications.length === 0 ? ['  none'] : []),
    ...view.certifications.map(
      (c) =>
        `  ${c.scheme === 'other' ? (c.name ?? 'other') : c.scheme}  by ${c.issuer}, ` +
        `${c.expired ? 'EXPIRED' : 'valid until'} ${c.expiresOn}` +
        (c.certificateNumber ? `, no. ${c.certificateNumber}` : '') +
        (c.documentId ? `, document ${c.documentId}` : ''),
    ),
    'Contacts:',
    ...(view.contacts.length === 0 ? ['  none'] : []),
    ...view.contacts.map(
      (c) => `  ${c.role.padEnd(10)}  ${c.name} <${c.email}>${c.phone ? `, ${c.phone}` : ''}`,
    ),
  ];
  return lines;
}

/** `offering list|show`: cloud service offerings from the shell. */
export function registerOfferingCommands(program: Command, io: CliIo): void {
  const offering = program
    .command('offering')
    .description('cloud service offerings: what providers apply to accredit');

  offering
    .command('list')
    .description('list offerings, by name')
    .option('--org <id>', 'only this provider')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { org?: string; json?: boolean }) => {
      await withContext(async (ctx) => {
        const today = ctx.clock.now().toISOString().slice(0, 10);
        const { items } = await offerings.listAll(
          ctx,
          { organizationId: options.org },
          { limit: 100_000, offset: 0, sort: 'name' },
        );
        const views = items.map((record) => presentOffering(record, today));
        if (options.json === true) {
          io.out(JSON.stringify(views, null, 2));
          return;
        }
        if (views.length === 0) io.out('No offerings.');
        for (const view of views) {
          io.out(
            `${view.id}  ${view.serviceModel.padEnd(4)}  ${view.deploymentModel.padEnd(10)}  ` +
              `${view.residency.customerDataCountries.join(',').padEnd(8)}  ${view.name}  (${view.organizationName})`,
          );
        }
      });
    });

  offering
    .command('show')
    .description('one offering: data centres, certifications (expired ones marked), contacts')
    .argument('<id>', 'the offering id (see `cloud-office offering list`)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withContext(async (ctx) => {
        const view = presentOffering(
          await offerings.get(ctx, id),
          ctx.clock.now().toISOString().slice(0, 10),
        );
        if (options.json === true) io.out(JSON.stringify(view, null, 2));
        else for (const line of describe(view)) io.out(line);
      });
    });
}
