#!/usr/bin/env node
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { colors, EXIT, printable, UsageError } from './ui.js';

// `inferlens … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = createProgram((code) => {
  process.exitCode = code;
}).exitOverride();
for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version exit 0; every other parser error is a usage error (2), already printed.
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.error;
  } else if (error instanceof UsageError) {
    process.stderr.write(`${colors.red('inferlens:')} ${printable(error.message)}\n`);
    process.exitCode = EXIT.error;
  } else throw error;
}
