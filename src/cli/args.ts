// The command line: `vrouterd [options]` runs the agent; `vrouterd user add|del|list` manages the
// NETCONF users. Parsed by hand (a dozen flags do not need a library); every mistake is a
// UsageError whose message says what to type instead.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_STATE_DIR = '/var/lib/vrouterd';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RunArgs {
  command: 'run';
  config?: string;
  port?: number;
  address?: string;
  stateDir: string;
  yangPaths: string[];
  modules: string[];
  logLevel?: LogLevel;
  initAdmin: boolean;
  /** --no-linux: run without the Linux backend (commits do not touch the kernel). */
  noLinux?: boolean;
  /** --docker-socket: the Docker engine's socket for container attachments. */
  dockerSocket?: string;
}

export interface UserArgs {
  command: 'user';
  action: 'add' | 'del' | 'list';
  name?: string;
  passwordFile?: string;
  keyFiles: string[];
  stateDir: string;
}

export type CliArgs = RunArgs | UserArgs | { command: 'help'; topic?: 'user' } | { command: 'version' };

/** Reads `--flag value` and `--flag=value` forms. */
class ArgReader {
  private i = 0;
  constructor(private readonly argv: readonly string[]) {}

  get done(): boolean {
    return this.i >= this.argv.length;
  }

  next(): { flag: string; inline?: string } | { positional: string } {
    const a = this.argv[this.i++] as string;
    if (!a.startsWith('--') || a === '--') return { positional: a };
    const eq = a.indexOf('=');
    return eq < 0 ? { flag: a } : { flag: a.slice(0, eq), inline: a.slice(eq + 1) };
  }

  value(flag: string, inline: string | undefined): string {
    if (inline !== undefined) return inline;
    const v = this.argv[this.i++];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  }
}

function port(flag: string, v: string): number {
  const n = /^[0-9]{1,5}$/.test(v) ? Number(v) : NaN;
  // 0 asks the system for a free port (tests).
  if (!Number.isInteger(n) || n > 65535) throw new UsageError(`${flag} takes a TCP port number 0..65535, not ${JSON.stringify(v)}`);
  return n;
}

function logLevel(v: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new UsageError(`--log-level takes one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(v)}`);
  return v as LogLevel;
}

export function parseArgs(argv: readonly string[]): CliArgs {
  if (argv[0] === 'user') return parseUserArgs(argv.slice(1));
  if (argv[0] === 'help') return { command: 'help', ...(argv[1] === 'user' ? { topic: 'user' as const } : {}) };
  const out: RunArgs = { command: 'run', stateDir: DEFAULT_STATE_DIR, yangPaths: [], modules: [], initAdmin: false };
  const r = new ArgReader(argv[0] === 'run' ? argv.slice(1) : argv);
  while (!r.done) {
    const a = r.next();
    if ('positional' in a) throw new UsageError(`unexpected argument ${JSON.stringify(a.positional)} (see vrouterd --help)`);
    switch (a.flag) {
      case '--help': return { command: 'help' };
      case '--version': return { command: 'version' };
      case '--config': out.config = r.value(a.flag, a.inline); break;
      case '--port': out.port = port(a.flag, r.value(a.flag, a.inline)); break;
      case '--address': out.address = r.value(a.flag, a.inline); break;
      case '--state-dir': out.stateDir = r.value(a.flag, a.inline); break;
      case '--yang-path': out.yangPaths.push(r.value(a.flag, a.inline)); break;
      case '--module': out.modules.push(moduleSpec(r.value(a.flag, a.inline))); break;
      case '--log-level': out.logLevel = logLevel(r.value(a.flag, a.inline)); break;
      case '--init-admin': out.initAdmin = true; break;
      case '--no-linux': out.noLinux = true; break;
      case '--docker-socket': out.dockerSocket = r.value(a.flag, a.inline); break;
      default: throw new UsageError(`unknown option ${a.flag} (see vrouterd --help)`);
    }
  }
  return out;
}

function moduleSpec(v: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*(@\d{4}-\d{2}-\d{2})?$/.test(v)) {
    throw new UsageError(`--module takes NAME or NAME@YYYY-MM-DD, not ${JSON.stringify(v)}`);
  }
  return v;
}

function parseUserArgs(argv: readonly string[]): CliArgs {
  const action = argv[0];
  if (action === undefined || action === '--help' || action === 'help') return { command: 'help', topic: 'user' };
  if (action !== 'add' && action !== 'del' && action !== 'list') {
    throw new UsageError(`unknown user command ${JSON.stringify(action)}: use user add, user del or user list`);
  }
  const out: UserArgs = { command: 'user', action, keyFiles: [], stateDir: DEFAULT_STATE_DIR };
  const r = new ArgReader(argv.slice(1));
  while (!r.done) {
    const a = r.next();
    if ('positional' in a) {
      if (out.name !== undefined || action === 'list') throw new UsageError(`unexpected argument ${JSON.stringify(a.positional)}`);
      out.name = a.positional;
      continue;
    }
    switch (a.flag) {
      case '--help': return { command: 'help', topic: 'user' };
      case '--state-dir': out.stateDir = r.value(a.flag, a.inline); break;
      case '--password-file': out.passwordFile = r.value(a.flag, a.inline); break;
      // --authorized-key is what the benchmark runner passes; both name a public key file.
      case '--key-file': case '--authorized-key': out.keyFiles.push(r.value(a.flag, a.inline)); break;
      default: throw new UsageError(`unknown option ${a.flag} for user ${action} (see vrouterd user --help)`);
    }
  }
  if (action !== 'list' && out.name === undefined) throw new UsageError(`user ${action} needs a user name`);
  if (action !== 'add' && (out.passwordFile !== undefined || out.keyFiles.length > 0)) {
    throw new UsageError(`--password-file and --key-file belong to user add`);
  }
  return out;
}
