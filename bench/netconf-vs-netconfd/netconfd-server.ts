// The reference server: yuma123 netconfd 2.13 (Debian) behind a private OpenSSH sshd.
//
//   client ──ssh──▶ sshd -D -f <tmp>/sshd_config (127.0.0.1:<port>, own host key, own authorized_keys)
//                     └─ Subsystem netconf: netconf-subsystem --ncxserver-sockname=<port>@<tmp>/ncxserver.sock
//                          └─ unix socket ──▶ netconfd --ncxserver-sockname=<tmp>/ncxserver.sock --port=<port>
//
// Facts about netconfd 2.13 that shape this file (found by running it):
// - netconf-subsystem picks the socket by the SSH port the client connected to
//   (--ncxserver-sockname=PORT@PATH), and netconfd refuses the session ("agt_connect error
//   (access denied)") unless that SSH port is in its own --port list (default 830).
// - netconfd neither removes its socket on exit nor starts when the socket file exists.
// - it creates ~/.yuma of the user's passwd entry whatever $HOME says; the startup transaction-id
//   file goes to $YUMA_HOME/data/ when YUMA_HOME is set, to ~/.yuma/ otherwise.
// - --startup=<file> needs the file to exist; each commit rewrites it (plus a backup-cfg.xml next
//   to it), so netconfd persists running on every commit as vrouterd does.
// - sshd needs its privilege-separation directory /run/sshd, normally made by the ssh service.
import { existsSync, mkdirSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, removeQuietly, runChecked, runCommand, startDaemon, waitForPort, waitForSocketFile, type Daemon } from './processes.js';
import type { BenchContext, ServerUnderTest } from './server-under-test.js';

const SSHD = '/usr/sbin/sshd';
const NETCONFD = '/usr/sbin/netconfd';
const SUBSYSTEM = '/usr/sbin/netconf-subsystem';
const PRIVSEP_DIR = '/run/sshd';

/** What is missing to run this side, as messages naming the Debian package; empty when ready. */
export function netconfdPrerequisites(): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) {
    problems.push('the netconfd side runs as root (sshd switches to the login user; netconfd runs with --superuser=root)');
  }
  if (!existsSync(SSHD)) problems.push(`${SSHD} is missing: apt-get install openssh-server`);
  if (!existsSync(NETCONFD) || !existsSync(SUBSYSTEM)) problems.push(`${NETCONFD} / ${SUBSYSTEM} are missing: apt-get install netconfd`);
  if (!existsSync('/usr/bin/ssh-keygen')) problems.push('ssh-keygen is missing: apt-get install openssh-client');
  return problems;
}

async function debianVersion(pkg: string): Promise<string> {
  const result = await runCommand('dpkg-query', ['-W', '-f=${Version}', pkg], { timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout.trim() : '?';
}

function sshdConfig(dir: string, socketPath: string, port: number): string {
  return [
    '# Private sshd of the NETCONF benchmark; nothing here touches the host\'s own ssh service.',
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${path.join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'PrintMotd no',
    'LogLevel INFO',
    `Subsystem netconf ${SUBSYSTEM} --ncxserver-sockname=${port}@${socketPath}`,
    '',
  ].join('\n');
}

export async function startNetconfd(ctx: BenchContext): Promise<ServerUnderTest> {
  const dir = path.join(ctx.tempDir, 'netconfd');
  const yumaHome = path.join(dir, 'yuma-home');
  mkdirSync(path.join(yumaHome, 'data'), { recursive: true });
  const port = await freePort();
  const socketPath = path.join(dir, 'ncxserver.sock');
  const startupPath = path.join(dir, 'startup-cfg.xml');
  writeFileSync(startupPath, '<?xml version="1.0" encoding="UTF-8"?>\n<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"/>\n');

  // netconfd makes ~/.yuma (of root's passwd entry) whatever we do: take it away again if it
  // was not there before and is left empty.
  const dotYuma = path.join(os.userInfo().homedir, '.yuma');
  if (!existsSync(dotYuma)) {
    ctx.cleanup.add(`remove ${dotYuma} if netconfd left it empty`, () => removeIfEmpty(dotYuma), () => removeIfEmpty(dotYuma));
  }
  if (!existsSync(PRIVSEP_DIR)) {
    mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
    ctx.cleanup.add(`remove ${PRIVSEP_DIR} (made for sshd)`, () => removeIfEmpty(PRIVSEP_DIR), () => removeIfEmpty(PRIVSEP_DIR));
  }

  const [netconfdVersion, opensshVersion] = await Promise.all([debianVersion('netconfd'), debianVersion('openssh-server')]);

  // netconfd first: the subsystem needs its socket.
  const netconfdEnv: NodeJS.ProcessEnv = { ...process.env, HOME: dir, YUMA_HOME: yumaHome };
  const netconfd = startDaemon('netconfd', NETCONFD, [
    '--target=candidate',
    '--superuser=root',
    `--module=${path.join(ctx.yangDir, `${ctx.moduleName}.yang`)}`,
    `--startup=${startupPath}`,
    `--port=${port}`,
    `--ncxserver-sockname=${socketPath}`,
    '--log-level=warn',
  ], { cwd: dir, env: netconfdEnv, logPath: path.join(dir, 'netconfd.log') }, ctx.cleanup);
  ctx.cleanup.add(`remove ${socketPath}`, () => removeQuietly(socketPath), () => removeQuietly(socketPath));
  await waitForSocketFile(socketPath, 20_000, netconfd);

  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bench-sshd', '-f', path.join(dir, 'ssh_host_ed25519_key')], { timeoutMs: 15_000 });
  writeFileSync(path.join(dir, 'authorized_keys'), ctx.clientPublicKey + '\n', { mode: 0o600 });
  const configPath = path.join(dir, 'sshd_config');
  writeFileSync(configPath, sshdConfig(dir, socketPath, port));
  await runChecked(SSHD, ['-t', '-f', configPath], { timeoutMs: 15_000 });
  const sshdLog = path.join(dir, 'sshd.log');
  const sshd = startDaemon('sshd', SSHD, ['-D', '-e', '-f', configPath], { cwd: dir, logPath: sshdLog }, ctx.cleanup);
  await waitForPort(port, 15_000, sshd);

  const daemons: Daemon[] = [sshd, netconfd];
  ctx.log(`netconfd side: sshd on 127.0.0.1:${port} (pid ${sshd.pid}), netconfd pid ${netconfd.pid}, socket ${socketPath}`);
  return {
    name: 'netconfd',
    description: `yuma123 netconfd ${netconfdVersion} (Debian) via OpenSSH ${opensshVersion} sshd + netconf-subsystem`,
    port,
    user: 'root',
    logTail: () => daemons.map((d) => `--- ${d.name} (${d.logPath}):\n${d.logTail(10)}`).join('\n'),
    async stop() {
      await sshd.stop();
      await netconfd.stop();
      removeQuietly(socketPath);
    },
  };
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // gone already, or not ours to judge
  }
}
