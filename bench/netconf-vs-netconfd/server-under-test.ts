// What the runner knows about one NETCONF server it measures, and what it hands each server's
// starter: the scratch directory, the client's key and the benchmark module.
import type { Cleanup } from './processes.js';

export type ServerName = 'netconfd' | 'vrouterd';

export interface BenchContext {
  /** The repository root (where package.json is). */
  repoRoot: string;
  /** Scratch directory of this run; removed at the end. */
  tempDir: string;
  cleanup: Cleanup;
  /** The client's private key (OpenSSH format) and its public line, shared by both servers. */
  clientKeyPath: string;
  clientPublicKey: string;
  /** The folder holding the benchmark module, and the module's name. */
  yangDir: string;
  moduleName: string;
  /** Prints a progress line. */
  log: (text: string) => void;
}

export interface ServerUnderTest {
  name: ServerName;
  /** One line: what runs, with versions. */
  description: string;
  port: number;
  user: string;
  /** The last lines of the server's logs, to explain a failure. */
  logTail(): string;
  stop(): Promise<void>;
}
