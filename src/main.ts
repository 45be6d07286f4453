// vrouterd's entry point: `node dist/main.js [run] [options]` or `node dist/main.js user ...`.
// Exit status: 0 done, 1 failure (a one-line reason on stderr), 2 usage error, 70 uncaught exception.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, UsageError } from './cli/args.js';
import { MAIN_HELP, USER_HELP } from './cli/help.js';
import { runAgent, StartupError } from './cli/run.js';
import { runUserCommand } from './cli/user-command.js';
import { packageRoot } from './validation/module-search-path.js';

function version(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vrouterd: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  switch (args.command) {
    case 'help':
      process.stdout.write(args.topic === 'user' ? USER_HELP : MAIN_HELP);
      return 0;
    case 'version':
      process.stdout.write(`vrouterd ${version()}\n`);
      return 0;
    case 'user':
      return runUserCommand(args, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    case 'run':
      try {
        return await runAgent(args);
      } catch (err) {
        if (err instanceof StartupError) {
          process.stderr.write(`vrouterd: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vrouterd: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
