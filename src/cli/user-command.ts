// `vrouterd user add|del|list`: edits <state-dir>/users.json through the UserStore (atomic
// rewrites, scrypt hashes). A running agent picks the change up on SIGHUP.
import { mkdir, readFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { usersFile } from '../netconf/server.js';
import { UserStore } from '../netconf/transport/user-store.js';
import type { UserArgs } from './args.js';

export interface UserCommandIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

/** Every non-empty, non-comment line of a public key file. */
async function readKeyLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new Error(`${file} holds no public key line`);
  return lines;
}

async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(io: UserCommandIo, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { stdin } = io;
    io.stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.resume();
    let line = '';
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(line);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new Error('interrupted'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else line += ch;
      }
    };
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/** The password for `user add`: from the file, the terminal, or piped stdin; undefined = key only. */
async function readPassword(args: UserArgs, io: UserCommandIo): Promise<string | undefined> {
  if (args.passwordFile !== undefined) {
    const first = (await readFile(args.passwordFile, 'utf8')).split(/\r?\n/)[0] ?? '';
    if (first === '') throw new Error(`${args.passwordFile}: the first line (the password) is empty`);
    return first;
  }
  if (io.stdin.isTTY === true) {
    const a = await promptHidden(io, `Password for ${args.name ?? ''}: `);
    if (a === '' && args.keyFiles.length > 0) return undefined;
    const b = await promptHidden(io, 'Again: ');
    if (a !== b) throw new Error('the two passwords differ');
    return a;
  }
  const first = (await readAll(io.stdin)).split(/\r?\n/)[0] ?? '';
  if (first === '') {
    if (args.keyFiles.length > 0) return undefined;
    throw new Error('no password on stdin: pipe one in, use --password-file, or give --key-file for a key-only user');
  }
  return first;
}

/** Runs the command; resolves with the exit status. */
export async function runUserCommand(args: UserArgs, io: UserCommandIo): Promise<number> {
  const path = usersFile(args.stateDir);
  try {
    if (args.action !== 'list') await mkdir(args.stateDir, { recursive: true, mode: 0o700 });
    const store = await UserStore.open(path);
    switch (args.action) {
      case 'list': {
        const users = store.list();
        if (users.length === 0) {
          io.stdout.write(`no users in ${path}\n`);
          return 0;
        }
        const width = Math.max(4, ...users.map((u) => u.name.length));
        io.stdout.write(`${'NAME'.padEnd(width)}  PASSWORD  KEYS\n`);
        for (const u of users) io.stdout.write(`${u.name.padEnd(width)}  ${(u.hasPassword ? 'yes' : 'no').padEnd(8)}  ${u.authorizedKeys}\n`);
        return 0;
      }
      case 'del': {
        const name = args.name as string;
        if (!(await store.removeUser(name))) {
          io.stderr.write(`vrouterd: no user "${name}" in ${path}\n`);
          return 1;
        }
        io.stdout.write(`removed user "${name}"\n`);
        return 0;
      }
      case 'add': {
        const name = args.name as string;
        if (store.has(name)) throw new Error(`user "${name}" already exists (vrouterd user del ${name} first)`);
        const authorizedKeys: string[] = [];
        for (const f of args.keyFiles) authorizedKeys.push(...(await readKeyLines(f)));
        const password = await readPassword(args, io);
        await store.addUser(name, { ...(password === undefined ? {} : { password }), authorizedKeys });
        const how = [password === undefined ? undefined : 'a password', authorizedKeys.length > 0 ? `${authorizedKeys.length} key(s)` : undefined]
          .filter((x) => x !== undefined).join(' and ');
        io.stdout.write(`added user "${name}" with ${how} to ${path}\n`);
        return 0;
      }
    }
  } catch (err) {
    io.stderr.write(`vrouterd: ${(err as Error).message}\n`);
    return 1;
  }
}
