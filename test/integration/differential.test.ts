// Differential test against libyang, the reference YANG implementation.
//
// A generated corpus of documents (valid ones, and ones with one mutation each) over the
// standard modules and the difftest module is judged three ways:
//  1. vrouterd's XML decoder (type-level checks while decoding) against libyang's own parse of
//     the same document (`yanglint -t edit`: parse only, no validation);
//  2. the addon's full validation of vrouterd's JSON encoding of the decoded tree against
//     `yanglint -t config` of the original XML, run as a separate process;
//  3. round trip: the decoded tree encoded back to XML is judged by yanglint exactly as the input.
// Every document must get the same verdict everywhere.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeXml } from '../../src/datastore/xml-decoder.js';
import { encodeJson } from '../../src/datastore/json-encoder.js';
import { encodeXml } from '../../src/datastore/xml-encoder.js';
import { YangContext } from '../../src/validation/libyang.js';
import { defaultSearchDirs } from '../../src/validation/module-search-path.js';
import { Schema } from '../../src/validation/schema.js';
import { generateCorpus, MUTATION_KINDS, type CorpusDocument } from '../support/difftest-corpus.js';
import { requireCommand } from '../support/prerequisites.js';

const CORPUS_SIZE = 1200;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'differential');
const MODULES = [
  { name: 'ietf-interfaces', revision: '2018-02-20' },
  { name: 'iana-if-type', revision: '2014-05-08' },
  { name: 'ietf-ip', revision: '2014-06-16' },
  { name: 'ietf-routing', revision: '2016-11-04' },
  { name: 'ietf-ipv4-unicast-routing', revision: '2016-11-04' },
  { name: 'difftest', revision: '2026-11-22' },
];

interface Verdict {
  ok: boolean;
  message: string;
}

/** Runs yanglint on one file; the verdict is its exit status, the message its first error line. */
function yanglint(args: string[]): Promise<Verdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('yanglint', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, message: err.split('\n')[0] ?? '' }));
  });
}

/** Runs `jobs` with at most `width` at once (yanglint is a process each). */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return out;
}

/** Problems libyang finds only when it validates, while vrouterd's decoder already refuses them. */
function decoderCatchesEarlier(configMessage: string): boolean {
  return /Duplicate instance of|Unexpected data state node|Data for both cases/.test(configMessage);
}

describe('differential: vrouterd decoder and validation vs libyang (yanglint)', function () {
  this.timeout(600_000);
  let ctx: YangContext;
  let schema: Schema;
  let dir = '';
  let corpus: CorpusDocument[] = [];
  const results: { doc: CorpusDocument; edit: Verdict; config: Verdict; file: string }[] = [];

  before(async () => {
    requireCommand('yanglint', 'libyang2-tools');
    const searchDirs = [FIXTURES, ...defaultSearchDirs()];
    ctx = await YangContext.create({ searchDirs, modules: MODULES });
    schema = new Schema(ctx.exportSchema());
    dir = mkdtempSync(join(tmpdir(), 'vrouterd-difftest-'));
    corpus = generateCorpus(CORPUS_SIZE);
    const jobs = corpus.map((doc) => async () => {
      const file = join(dir, `doc-${doc.id}.xml`);
      writeFileSync(file, doc.xml);
      const edit = await yanglint(['-t', 'edit', ...moduleFileArgs(searchDirs), file]);
      const config = await yanglint(['-t', 'config', ...moduleFileArgs(searchDirs), file]);
      return { doc, edit, config, file };
    });
    results.push(...(await pool(jobs, 4)));
  });

  after(() => {
    ctx?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it(`generates at least 1,000 documents covering all ${MUTATION_KINDS} mutation kinds, valid and invalid`, () => {
    assert.ok(corpus.length >= 1000);
    const kinds = new Set(corpus.map((d) => d.mutation));
    assert.equal(kinds.size, MUTATION_KINDS + 1, `kinds seen: ${[...kinds].join(', ')}`);
    const valid = results.filter((r) => r.config.ok).length;
    assert.ok(valid > 300 && valid < corpus.length - 300, `libyang found ${valid} of ${corpus.length} valid`);
  });

  it('decoder verdict on type-level errors agrees with libyang parse (yanglint -t edit)', () => {
    const disagreements: string[] = [];
    for (const { doc, edit, config } of results) {
      const ours = decodeXml(schema, doc.xml, { datastore: 'config' });
      const expected = edit.ok && !decoderCatchesEarlier(config.message);
      if (ours.ok !== expected) {
        disagreements.push(`#${doc.id} (${doc.mutation}): vrouterd ${ours.ok ? 'accepts' : `refuses: ${ours.errors[0]?.message}`}; libyang ${edit.ok ? 'accepts' : `refuses: ${edit.message}`}`);
      }
    }
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
  });

  it('addon validation of our JSON encoding agrees with yanglint -t config of the XML', async () => {
    const disagreements: string[] = [];
    for (const { doc, config } of results) {
      const decoded = decodeXml(schema, doc.xml, { datastore: 'config' });
      if (!decoded.ok) continue;
      const errors = await ctx.validate(encodeJson(schema, decoded.tree), { datastore: 'config' });
      if ((errors.length === 0) !== config.ok) {
        disagreements.push(`#${doc.id} (${doc.mutation}): addon ${errors.length === 0 ? 'accepts' : `refuses: ${errors[0]?.message}`}; yanglint ${config.ok ? 'accepts' : `refuses: ${config.message}`}`);
      }
    }
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
  });

  it('our XML encoding of each decoded document gets the same yanglint verdict as the original', async () => {
    const sample = results.filter((_, i) => i % 4 === 0);
    const jobs = sample.map(({ doc, config }) => async () => {
      const decoded = decodeXml(schema, doc.xml, { datastore: 'config' });
      if (!decoded.ok) return undefined;
      const file = join(dir, `re-${doc.id}.xml`);
      writeFileSync(file, encodeXml(schema, decoded.tree));
      const again = await yanglint(['-t', 'config', ...moduleFileArgs([FIXTURES, ...defaultSearchDirs()]), file]);
      return again.ok === config.ok ? undefined : `#${doc.id} (${doc.mutation}): original ${config.ok}, re-encoded ${again.ok}: ${again.message}`;
    });
    const disagreements = (await pool(jobs, 4)).filter((d): d is string => d !== undefined);
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements`);
  });
});

/** yanglint arguments: search dirs, then the module files in load order (ietf-interfaces@2018 first). */
function moduleFileArgs(searchDirs: string[]): string[] {
  return [
    ...searchDirs.flatMap((d) => ['-p', d]),
    '/usr/share/yang/ietf-interfaces.yang',
    '/usr/share/yuma/modules/ietf/iana-if-type@2014-05-08.yang',
    '/usr/share/yuma/modules/ietf/ietf-ip@2014-06-16.yang',
    '/usr/share/yuma/modules/ietf/ietf-routing@2016-11-04.yang',
    '/usr/share/yuma/modules/ietf/ietf-ipv4-unicast-routing@2016-11-04.yang',
    join(FIXTURES, 'difftest@2026-11-22.yang'),
  ];
}
