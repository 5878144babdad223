// Process entry of the `cloud-office` command (bin/cloud-office.js runs the compiled copy).
const argv = process.argv.slice(2);

// A reader that stops early (`cloud-office level show baseline | head`) closes the pipe: that is
// the reader's choice, not a failure to report with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
if (argv[0] === 'profile') {
  // Fast path: `profile` works on files only, so it skips loading the server, database and
  // every other command (issue 4 wants `profile resolve` done in under 200 ms).
  const { runProfileCli } = await import('./commands/profile.js');
  process.exitCode = await runProfileCli(argv);
} else {
  const { runCli } = await import('./index.js');
  process.exitCode = await runCli(argv);
}
