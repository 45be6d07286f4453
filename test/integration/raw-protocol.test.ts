// The NETCONF wire protocol of the real vrouterd over real SSH, with ssh2's Client and no NETCONF
// library: the framing (RFC 6242) and message handling (RFC 6241 §4) are written out byte by byte
// here, independently of the server's own framing code. vrouterd runs with max-message-size 4096
// (its --config file) so that the size limit is cheap to reach.
// Covered: hello + rpc in one write; an rpc in one-byte writes over several chunks; bad chunk
// headers and oversized messages end the session; malformed XML, a DOCTYPE and a missing
// message-id are rpc-errors after which the session goes on; several rpcs in one write are
// answered in order; a bad hello ends the session; through all of it other sessions keep working
// and the process stays up.
import assert from 'node:assert/strict';
import ssh2, { type ClientChannel } from 'ssh2';
import { VrouterdProcess, type Credentials } from '../support/vrouterd-process.js';

const BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const NCM = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
const MAX_MESSAGE_SIZE = 4096;

const hello = (...versions: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${BASE}"><capabilities>`
  + versions.map((v) => `<capability>urn:ietf:params:netconf:base:${v}</capability>`).join('')
  + '</capabilities></hello>';

const eom = (msg: string | Buffer): Buffer => Buffer.concat([Buffer.from(msg), Buffer.from(']]>]]>')]);

/** One message in chunked framing; `sizes` splits it into chunks of these byte counts (the rest in the last). */
function chunked(msg: string | Buffer, sizes: number[] = []): Buffer {
  const body = Buffer.from(msg);
  const parts: Buffer[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at + n >= body.length) break;
    parts.push(Buffer.from(`\n#${n}\n`), body.subarray(at, at + n));
    at += n;
  }
  parts.push(Buffer.from(`\n#${body.length - at}\n`), body.subarray(at), Buffer.from('\n##\n'));
  return Buffer.concat(parts);
}

const getSchema = (id: string, module: string): string =>
  `<rpc xmlns="${BASE}" message-id="${id}"><get-schema xmlns="${NCM}"><identifier>${module}</identifier></get-schema></rpc>`;

/** The text of the first <name> element (any prefix) in a message. */
function elementText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${name}>`).exec(xml);
  return m?.[1];
}

const messageId = (xml: string): string | undefined => /^<(?:[\w.-]+:)?rpc-reply\b[^>]*\smessage-id="([^"]*)"/.exec(xml.replace(/^<\?xml[^>]*\?>\s*/, ''))?.[1];

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A NETCONF session over a bare SSH channel. Reads the server's hello (end-of-message framing),
 * then decodes whatever framing the session was opened for.
 */
class RawSession {
  readonly serverHello: string;
  private buffer = Buffer.alloc(0);
  private mode: 'eom' | 'chunked' = 'eom';
  private readonly messages: string[] = [];
  private waiter: (() => void) | undefined;
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(private readonly client: ssh2.Client, private readonly channel: ClientChannel, firstMessage: string) {
    this.serverHello = firstMessage;
    this.closed = new Promise((resolve) => {
      const done = (): void => {
        this.closedFlag = true;
        this.waiter?.();
        resolve();
      };
      channel.once('close', done);
      client.once('close', done);
    });
  }

  /** An authenticated SSH connection. */
  static async connect(creds: Credentials): Promise<ssh2.Client> {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({ host: creds.host, port: creds.port, username: creds.username, password: creds.password, readyTimeout: 20_000 });
    });
    client.on('error', () => undefined); // a connection the server ends is no test failure by itself
    return client;
  }

  /** A new connection with one netconf channel; the server's hello is read, ours not yet sent. */
  static async open(creds: Credentials, version: '1.0' | '1.1' = '1.1'): Promise<RawSession> {
    return RawSession.onConnection(await RawSession.connect(creds), version);
  }

  /** One more netconf channel on an existing connection. */
  static async onConnection(client: ssh2.Client, version: '1.0' | '1.1' = '1.1'): Promise<RawSession> {
    const channel = await new Promise<ClientChannel>((resolve, reject) => client.subsys('netconf', (err, ch) => (err ? reject(err) : resolve(ch))));
    let pending = Buffer.alloc(0);
    // Bytes after the server hello go to the session once it exists.
    const target: { session?: RawSession } = {};
    const helloText = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no server hello within 10 s')), 10_000);
      channel.on('data', (d: Buffer) => {
        if (target.session !== undefined) {
          target.session.feed(d);
          return;
        }
        pending = Buffer.concat([pending, d]);
        const end = pending.indexOf(']]>]]>');
        if (end < 0) return;
        clearTimeout(t);
        resolve(pending.subarray(0, end).toString('utf8'));
        pending = pending.subarray(end + 6);
      });
    });
    const session = new RawSession(client, channel, helloText);
    session.mode = version === '1.1' ? 'chunked' : 'eom';
    target.session = session;
    session.feed(pending);
    return session;
  }

  /** Opens a session and completes the hello exchange. */
  static async established(creds: Credentials, version: '1.0' | '1.1' = '1.1'): Promise<RawSession> {
    const s = await RawSession.open(creds, version);
    s.write(eom(hello(version)));
    return s;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  write(data: string | Buffer): void {
    this.channel.write(data);
  }

  /** Writes `data` one byte per SSH packet, pausing between bytes so that the server reads them apart. */
  async writeByteByByte(data: Buffer): Promise<void> {
    for (let i = 0; i < data.length; i++) {
      this.channel.write(data.subarray(i, i + 1));
      await delay(1);
    }
  }

  /** One framed message in the session's framing. */
  send(xml: string): void {
    this.write(this.mode === 'chunked' ? chunked(xml) : eom(xml));
  }

  async next(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (this.closedFlag) throw new Error('the session was closed instead of answering');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.messages.shift() as string;
  }

  /** Sends one rpc and returns the next message. */
  async rpc(xml: string): Promise<string> {
    this.send(xml);
    return this.next();
  }

  /** Resolves true when the server closes the session within timeoutMs; collects what it sent meanwhile. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), delay(timeoutMs).then(() => false)]);
  }

  /** Messages received and not yet taken. */
  drain(): string[] {
    return this.messages.splice(0);
  }

  /** Sends EOF on the channel (the client will write nothing more). */
  endInput(): void {
    this.channel.end();
  }

  destroy(): void {
    this.client.destroy();
  }

  private feed(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const m = this.mode === 'eom' ? this.takeEom() : this.takeChunked();
      if (m === undefined) break;
      this.messages.push(m);
    }
    this.waiter?.();
  }

  private takeEom(): string | undefined {
    const end = this.buffer.indexOf(']]>]]>');
    if (end < 0) return undefined;
    const m = this.buffer.subarray(0, end).toString('utf8');
    this.buffer = this.buffer.subarray(end + 6);
    return m;
  }

  /** A whole chunked message from the buffer, or undefined (the server's framing must be exact). */
  private takeChunked(): string | undefined {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const header = /^\n#(#|[1-9][0-9]*)\n/.exec(this.buffer.subarray(at, at + 16).toString('latin1'));
      if (header === null) {
        if (this.buffer.length - at >= 16) throw new Error(`bad chunk header from the server: ${JSON.stringify(this.buffer.subarray(at, at + 16).toString('latin1'))}`);
        return undefined;
      }
      at += header[0].length;
      if (header[1] === '#') break;
      const size = Number(header[1]);
      if (this.buffer.length < at + size) return undefined;
      parts.push(this.buffer.subarray(at, at + size));
      at += size;
    }
    this.buffer = this.buffer.subarray(at);
    return Buffer.concat(parts).toString('utf8');
  }
}

describe('raw NETCONF over SSH (ssh2 Client, no NETCONF library)', function () {
  this.timeout(60_000);
  let server: VrouterdProcess | undefined;
  let witness: RawSession | undefined;
  const opened: RawSession[] = [];

  const creds = (): Credentials => {
    assert.ok(server, 'vrouterd is not running');
    return server.credentials;
  };

  async function session(version: '1.0' | '1.1' = '1.1'): Promise<RawSession> {
    const s = await RawSession.established(creds(), version);
    opened.push(s);
    return s;
  }

  /** A session that must be ended by the server after `bytes`, without an rpc-reply. */
  async function expectClosedAfter(bytes: Buffer, what: string, version: '1.0' | '1.1' = '1.1'): Promise<void> {
    const s = await session(version);
    s.write(bytes);
    assert.equal(await s.closesWithin(5_000), true, `${what}: the server should end the session`);
    const replies = s.drain().filter((m) => /rpc-reply/.test(m));
    assert.deepEqual(replies, [], `${what}: no rpc-reply before the session ends`);
  }

  before(async function () {
    server = await VrouterdProcess.start({ agentConfig: { 'vrouter-agent:agent': { netconf: { 'max-message-size': MAX_MESSAGE_SIZE } } } });
    witness = await session();
    assert.match(await witness.rpc(getSchema('w0', 'ietf-ip')), /message-id="w0"/);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && server !== undefined) {
      console.error(`--- vrouterd log tail (${this.currentTest.title}):\n${server.logTail(30)}`);
    }
  });

  after(async function () {
    for (const s of opened.splice(0)) s.destroy();
    await server?.cleanup();
  });

  it('the server hello: capabilities and a session-id, end-of-message framed', async function () {
    const s = await RawSession.open(creds());
    opened.push(s);
    assert.match(s.serverHello, /<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">/);
    assert.match(s.serverHello, /<capability>urn:ietf:params:netconf:base:1.1<\/capability>/);
    assert.match(s.serverHello, /<session-id>[1-9][0-9]*<\/session-id>/);
    s.destroy();
  });

  it('hello and an rpc in one write: the rpc is answered in chunked framing', async function () {
    const s = await RawSession.open(creds());
    opened.push(s);
    s.write(Buffer.concat([eom(hello('1.0', '1.1')), chunked(getSchema('one-write', 'ietf-interfaces'))]));
    const reply = await s.next();
    assert.equal(messageId(reply), 'one-write');
    assert.match(reply, /module ietf-interfaces \{/);
  });

  it('hello and an rpc written one byte at a time, the rpc in several chunks', async function () {
    const s = await RawSession.open(creds());
    opened.push(s);
    const rpc = getSchema('bytewise', 'ietf-ip');
    await s.writeByteByByte(Buffer.concat([eom(hello('1.1')), chunked(rpc, [1, 7, 30, 2])]));
    const reply = await s.next();
    assert.equal(messageId(reply), 'bytewise');
    assert.match(reply, /module ietf-ip \{/);
    // A multi-byte UTF-8 character split across two chunks is one character again after de-framing.
    const snowman = Buffer.from(`<rpc xmlns="${BASE}" message-id="s☃x"><get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schema></rpc>`);
    const cut = snowman.indexOf(Buffer.from('☃')) + 1;
    s.write(chunked(snowman, [cut]));
    assert.equal(messageId(await s.next()), 's☃x');
  });

  it('a bad chunk header ends the session', async function () {
    const cases: [string, string][] = [
      ['letters for a size', '\n#abc\n<rpc/>\n##\n'],
      ['chunk size 0', '\n#0\n\n##\n'],
      ['leading zero', '\n#07\n<rpc/>\n##\n'],
      ['size above 4294967295', '\n#4294967296\n'],
      ['no LF before #', '#7\n<rpc/>\n##\n'],
      ['CR LF instead of LF', '\r\n#7\r\n<rpc/>\n##\n'],
      ['end-of-chunks with no chunk', '\n##\n'],
      ['garbage after the chunk data', `\n#6\n<rpc/>xyz\n##\n`],
      ['end-of-message framing on a base:1.1 session', `${getSchema('eom', 'ietf-ip')}]]>]]>`],
    ];
    for (const [what, bytes] of cases) await expectClosedAfter(Buffer.from(bytes, 'latin1'), what);
  });

  it('a message over max-message-size ends the session; one just under it is answered', async function () {
    const filler = (n: number): string => `<!--${'x'.repeat(n)}-->`;
    const near = getSchema('near-limit', 'ietf-ip').replace('<get-schema', `${filler(MAX_MESSAGE_SIZE - 400)}<get-schema`);
    assert.ok(Buffer.byteLength(near) < MAX_MESSAGE_SIZE && Buffer.byteLength(near) > MAX_MESSAGE_SIZE - 300);
    const ok = await session();
    assert.equal(messageId(await ok.rpc(near)), 'near-limit');

    // Exactly at the limit is allowed, one byte more is not.
    const exactly = (id: string, size: number): string => {
      const base = getSchema(id, 'ietf-ip');
      const pad = size - Buffer.byteLength(base) - '<!---->'.length;
      return base.replace('<get-schema', `${filler(pad)}<get-schema`);
    };
    assert.equal(Buffer.byteLength(exactly('limit', MAX_MESSAGE_SIZE)), MAX_MESSAGE_SIZE);
    assert.equal(messageId(await ok.rpc(exactly('limit', MAX_MESSAGE_SIZE))), 'limit', 'a message of exactly max-message-size bytes');
    await expectClosedAfter(chunked(exactly('limit+1', MAX_MESSAGE_SIZE + 1)), 'a message of max-message-size + 1 bytes');
    const eomOk = await session('1.0');
    assert.equal(messageId(await eomOk.rpc(exactly('eom-limit', MAX_MESSAGE_SIZE))), 'eom-limit', 'base:1.0: exactly max-message-size bytes');
    await expectClosedAfter(eom(exactly('eom-limit+1', MAX_MESSAGE_SIZE + 1)), 'base:1.0: max-message-size + 1 bytes', '1.0');

    const big = getSchema('too-big', 'ietf-ip').replace('<get-schema', `${filler(MAX_MESSAGE_SIZE)}<get-schema`);
    await expectClosedAfter(chunked(big), 'one chunk larger than the limit');
    await expectClosedAfter(Buffer.from(`\n#${MAX_MESSAGE_SIZE + 1}\n<rpc`), 'a chunk header announcing more than the limit (data not sent yet)');
    await expectClosedAfter(chunked(big, [1500, 1500, 1500]), 'chunks that add up to more than the limit');
    await expectClosedAfter(Buffer.from(`<rpc xmlns="${BASE}" message-id="1">${'<!-- padding -->'.repeat(400)}`), 'base:1.0 message over the limit without its end marker', '1.0');
  });

  it('malformed XML is answered with malformed-message (base:1.1) and the session goes on', async function () {
    const s = await session();
    const cases = [
      `<rpc xmlns="${BASE}" message-id="m1"><get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schem></rpc>`,
      'this is not XML at all',
      `<rpc xmlns="${BASE}" message-id="m3"><get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schema></rpc><rpc>`,
      `<rpc xmlns="${BASE}" message-id="m4"><unbound:x/></rpc>`,
    ];
    for (const xml of cases) {
      const reply = await s.rpc(xml);
      assert.equal(elementText(reply, 'error-tag'), 'malformed-message', `${xml}\n→ ${reply}`);
      assert.equal(elementText(reply, 'error-type'), 'rpc', reply);
    }
    // An <rpc> outside the base namespace is no NETCONF rpc: an rpc-error, and the session goes on.
    const noNs = await s.rpc(`<rpc message-id="m6"><get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schema></rpc>`);
    assert.match(noNs, /<rpc-error>/, noNs);
    // Bytes that are not UTF-8.
    s.write(chunked(Buffer.concat([Buffer.from(`<rpc xmlns="${BASE}" message-id="m5"><get-schema xmlns="${NCM}"><identifier>`), Buffer.from([0xff, 0xfe]), Buffer.from('</identifier></get-schema></rpc>')])));
    assert.equal(elementText(await s.next(), 'error-tag'), 'malformed-message');
    assert.equal(messageId(await s.rpc(getSchema('after-malformed', 'ietf-ip'))), 'after-malformed', 'the session still works');
    assert.equal(s.isClosed, false);
  });

  it('malformed XML on a base:1.0 session is operation-failed (malformed-message is base:1.1 only)', async function () {
    const s = await session('1.0');
    const reply = await s.rpc(`<rpc xmlns="${BASE}" message-id="old1"><get-schema xmlns="${NCM}"></rpc>`);
    assert.equal(elementText(reply, 'error-tag'), 'operation-failed', reply);
    assert.equal(elementText(reply, 'error-type'), 'rpc', reply);
    assert.equal(messageId(await s.rpc(getSchema('old2', 'ietf-ip'))), 'old2', 'end-of-message framing still works after it');
  });

  it('a DOCTYPE is refused (no DTD, no entity expansion) and the session goes on', async function () {
    const s = await session();
    const withEntity = `<?xml version="1.0"?><!DOCTYPE rpc [<!ENTITY m "ietf-ip">]>`
      + `<rpc xmlns="${BASE}" message-id="dtd1"><get-schema xmlns="${NCM}"><identifier>&m;</identifier></get-schema></rpc>`;
    const reply = await s.rpc(withEntity);
    assert.equal(elementText(reply, 'error-tag'), 'malformed-message', reply);
    assert.doesNotMatch(reply, /module ietf-ip/);
    const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
      + '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
      + `<rpc xmlns="${BASE}" message-id="dtd2"><get-schema xmlns="${NCM}"><identifier>&lol3;</identifier></get-schema></rpc>`;
    assert.equal(elementText(await s.rpc(laughs), 'error-tag'), 'malformed-message');
    assert.equal(messageId(await s.rpc(getSchema('after-dtd', 'ietf-ip'))), 'after-dtd');
  });

  it('an rpc without message-id is missing-attribute; the reply echoes the other attributes of <rpc>', async function () {
    const s = await session();
    const reply = await s.rpc(`<rpc xmlns="${BASE}"><get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schema></rpc>`);
    assert.equal(messageId(reply), undefined, reply);
    assert.equal(elementText(reply, 'error-tag'), 'missing-attribute', reply);
    assert.equal(elementText(reply, 'error-type'), 'rpc', reply);
    assert.equal(elementText(reply, 'bad-attribute'), 'message-id', reply);
    assert.equal(elementText(reply, 'bad-element'), 'rpc', reply);

    // RFC 6241 §4.2: the rpc-reply carries every attribute of the rpc.
    const echoed = await s.rpc(`<rpc xmlns="${BASE}" message-id="attrs" xmlns:ex="urn:example:client" ex:user-id="fred">`
      + `<get-schema xmlns="${NCM}"><identifier>ietf-ip</identifier></get-schema></rpc>`);
    assert.equal(messageId(echoed), 'attrs');
    const head = /^<rpc-reply\b[^>]*>/.exec(echoed)?.[0] ?? '';
    const prefix = /xmlns:([\w.-]+)="urn:example:client"/.exec(head)?.[1];
    assert.ok(prefix, `the namespace of the echoed attribute is declared: ${head}`);
    assert.match(head, new RegExp(`\\s${prefix}:user-id="fred"`));
  });

  it('several rpcs in one write are answered in order, errors included', async function () {
    const s = await session();
    const rpcs = [
      getSchema('r1', 'ietf-interfaces'),
      `<rpc xmlns="${BASE}" message-id="r2"><no-such-operation/></rpc>`,
      getSchema('r3', 'ietf-routing'),
      `<rpc xmlns="${BASE}" message-id="r4"><kill-session><session-id>4294967295</session-id></kill-session></rpc>`,
      `<rpc xmlns="${BASE}" message-id="r5"><get-schema xmlns="${NCM}"><identifier>no-such-module</identifier></get-schema></rpc>`,
      getSchema('r6', 'vrouter-agent'),
    ];
    s.write(Buffer.concat(rpcs.map((r) => chunked(r))));
    const replies: string[] = [];
    for (let i = 0; i < rpcs.length; i++) replies.push(await s.next());
    assert.deepEqual(replies.map(messageId), ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    assert.match(replies[0] ?? '', /module ietf-interfaces \{/);
    assert.match(replies[1] ?? '', /<error-tag>(unknown-element|operation-not-supported|unknown-namespace)<\/error-tag>/);
    assert.match(replies[2] ?? '', /module ietf-routing \{/);
    assert.equal(elementText(replies[3] ?? '', 'error-tag'), 'invalid-value');
    assert.equal(elementText(replies[4] ?? '', 'error-tag'), 'invalid-value');
    assert.match(replies[5] ?? '', /module vrouter-agent \{/);
  });

  it('two hundred rpcs in one write that depend on each other are answered in order', async function () {
    const s = await session();
    const rpcs: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const op = i % 2 === 0 ? 'lock' : 'unlock';
      rpcs.push(chunked(`<rpc xmlns="${BASE}" message-id="p${i}"><${op}><target><startup/></target></${op}></rpc>`));
    }
    s.write(Buffer.concat(rpcs));
    for (let i = 0; i < 200; i++) {
      const reply = await s.next();
      assert.equal(messageId(reply), `p${i}`);
      assert.match(reply, /<ok\/>/, `p${i} (${i % 2 === 0 ? 'lock' : 'unlock'}) runs after p${i - 1}: ${reply}`);
    }
  });

  it('close-session in a batch: the rpcs before it are answered, the ones after it are not, the session ends', async function () {
    const s = await session();
    s.write(Buffer.concat([
      chunked(getSchema('c1', 'ietf-ip')),
      chunked(`<rpc xmlns="${BASE}" message-id="c2"><close-session/></rpc>`),
      chunked(getSchema('c3', 'ietf-ip')),
    ]));
    assert.equal(messageId(await s.next()), 'c1');
    const closeReply = await s.next();
    assert.equal(messageId(closeReply), 'c2');
    assert.match(closeReply, /<ok\/>/);
    assert.equal(await s.closesWithin(5_000), true, 'the session ends after close-session');
    assert.deepEqual(s.drain(), [], 'the rpc after close-session is not answered');
  });

  it('two netconf channels on one SSH connection are two sessions', async function () {
    const client = await RawSession.connect(creds());
    const first = await RawSession.onConnection(client);
    const second = await RawSession.onConnection(client, '1.0');
    opened.push(first, second);
    const idOf = (h: string): string | undefined => elementText(h, 'session-id');
    assert.ok(idOf(first.serverHello) !== undefined && idOf(second.serverHello) !== undefined);
    assert.notEqual(idOf(first.serverHello), idOf(second.serverHello));
    first.write(eom(hello('1.1')));
    second.write(eom(hello('1.0')));
    assert.equal(messageId(await first.rpc(`<rpc xmlns="${BASE}" message-id="ch1"><lock><target><startup/></target></lock></rpc>`)), 'ch1');
    const denied = await second.rpc(`<rpc xmlns="${BASE}" message-id="ch2"><lock><target><startup/></target></lock></rpc>`);
    assert.equal(elementText(denied, 'error-tag'), 'lock-denied', denied);
    assert.equal(elementText(denied, 'session-id'), idOf(first.serverHello), 'the other channel\'s session holds the lock');
    assert.match(await first.rpc(`<rpc xmlns="${BASE}" message-id="ch3"><close-session/></rpc>`), /<ok\/>/);
    assert.equal(await first.closesWithin(5_000), true);
    assert.match(await second.rpc(`<rpc xmlns="${BASE}" message-id="ch4"><lock><target><startup/></target></lock></rpc>`), /<ok\/>/,
      'the first channel\'s close-session released its lock; the second channel goes on');
    assert.match(await second.rpc(`<rpc xmlns="${BASE}" message-id="ch5"><unlock><target><startup/></target></unlock></rpc>`), /<ok\/>/);
  });

  it('an rpc followed at once by the client\'s end of input is still answered', async function () {
    const s = await session();
    s.write(chunked(getSchema('before-eof', 'ietf-ip')));
    s.endInput();
    assert.equal(messageId(await s.next()), 'before-eof');
    assert.equal(await s.closesWithin(5_000), true, 'then the server ends the session');
  });

  it('a bad hello ends the session', async function () {
    const noBase = `<hello xmlns="${BASE}"><capabilities><capability>urn:example:only</capability></capabilities></hello>`;
    for (const [what, bytes] of [
      ['hello without a base capability', eom(noBase)],
      ['an rpc instead of a hello', eom(getSchema('h1', 'ietf-ip'))],
      ['a hello with a session-id from the client', eom(hello('1.1').replace('</hello>', '<session-id>4</session-id></hello>'))],
      ['not XML', eom('hello?')],
    ] as const) {
      const s = await RawSession.open(creds());
      opened.push(s);
      s.write(bytes);
      assert.equal(await s.closesWithin(5_000), true, `${what}: the server should end the session`);
    }
  });

  it('after all of that the other session still works and vrouterd is still running', async function () {
    assert.ok(witness);
    assert.equal(witness.isClosed, false, 'the session opened first was not touched');
    assert.equal(messageId(await witness.rpc(getSchema('w1', 'ietf-routing'))), 'w1');
    assert.ok(server?.running, 'the process is alive');
    const fresh = await session();
    assert.equal(messageId(await fresh.rpc(getSchema('fresh', 'ietf-ip'))), 'fresh');
    assert.doesNotMatch(server.output(), /"level":(50|60),[^\n]*(uncaught|unexpected exception)/i, 'no uncaught / unexpected exception in the log');
  });
});
