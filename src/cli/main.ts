import { runCli } from './index.js';

// Process entry of the `cloud-office` command (bin/cloud-office.js runs the compiled copy).
process.exitCode = await runCli(process.argv.slice(2));
