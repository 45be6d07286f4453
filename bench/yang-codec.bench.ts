// Benchmark (not a test): the YANG engine on realistic data — ietf-interfaces with ietf-ip
// addresses, 1k / 10k / 100k list entries. Prints, per size: XML decode, XML encode, JSON decode,
// JSON encode and full libyang validation, as µs per entry and MB/s of the document.
//
//   npx tsx bench/yang-codec.bench.ts [sizes…]      e.g. npx tsx bench/yang-codec.bench.ts 1000 10000
import { performance } from 'node:perf_hooks';
import { decodeJson } from '../src/datastore/json-decoder.js';
import { encodeJson } from '../src/datastore/json-encoder.js';
import { decodeXml } from '../src/datastore/xml-decoder.js';
import { encodeXml } from '../src/datastore/xml-encoder.js';
import { YangContext } from '../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../src/validation/module-search-path.js';
import { Schema } from '../src/validation/schema.js';

const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const IP_NS = 'urn:ietf:params:xml:ns:yang:ietf-ip';
const IANA_NS = 'urn:ietf:params:xml:ns:yang:iana-if-type';

function interfacesXml(n: number): string {
  const parts: string[] = [`<interfaces xmlns="${IF_NS}" xmlns:ianaift="${IANA_NS}">`];
  for (let i = 0; i < n; i++) {
    const a = (i >> 16) & 255, b = (i >> 8) & 255, c = i & 255;
    parts.push(
      `<interface><name>eth${i}</name><description>customer port ${i}</description>` +
      `<type>ianaift:ethernetCsmacd</type><enabled>true</enabled>` +
      `<ipv4 xmlns="${IP_NS}"><mtu>1500</mtu><address><ip>10.${a}.${b}.${c}</ip><prefix-length>24</prefix-length></address></ipv4>` +
      `</interface>`);
  }
  parts.push('</interfaces>');
  return parts.join('');
}

interface Timing { label: string; ms: number; bytes: number }

/** Median of `runs` timings of `fn` (after one warm-up run). */
async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)] ?? NaN;
}

function row(n: number, t: Timing): string {
  const perEntry = (t.ms * 1000) / n;
  const mbs = t.bytes / 1e6 / (t.ms / 1000);
  return `${String(n).padStart(7)}  ${t.label.padEnd(16)} ${t.ms.toFixed(1).padStart(9)} ms ${perEntry.toFixed(2).padStart(9)} µs/entry ${mbs.toFixed(1).padStart(8)} MB/s`;
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const ctx = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: STANDARD_MODULES });
  const schema = new Schema(ctx.exportSchema());
  console.log(`vrouterd YANG engine benchmark (node ${process.version}); median of runs after a warm-up`);
  console.log(`${'entries'.padStart(7)}  ${'stage'.padEnd(16)} ${'time'.padStart(12)} ${'per entry'.padStart(18)} ${'rate'.padStart(13)}`);
  for (const n of sizes.length > 0 ? sizes : [1_000, 10_000, 100_000]) {
    const runs = n >= 100_000 ? 3 : 7;
    const xml = interfacesXml(n);
    const decoded = decodeXml(schema, xml, { datastore: 'config' });
    if (!decoded.ok) throw new Error(`benchmark document does not decode: ${decoded.errors[0].message}`);
    const json = encodeJson(schema, decoded.tree);
    const xmlBytes = Buffer.byteLength(xml), jsonBytes = Buffer.byteLength(json);
    const timings: Timing[] = [
      { label: 'XML decode', bytes: xmlBytes, ms: await time(runs, () => decodeXml(schema, xml, { datastore: 'config' })) },
      { label: 'XML encode', bytes: xmlBytes, ms: await time(runs, () => encodeXml(schema, decoded.tree)) },
      { label: 'JSON decode', bytes: jsonBytes, ms: await time(runs, () => decodeJson(schema, json, { datastore: 'config' })) },
      { label: 'JSON encode', bytes: jsonBytes, ms: await time(runs, () => encodeJson(schema, decoded.tree)) },
      { label: 'validate (full)', bytes: jsonBytes, ms: await time(runs, async () => {
        const errors = await ctx.validate(json, { datastore: 'config' });
        if (errors.length > 0) throw new Error(`benchmark document is invalid: ${errors[0]?.message}`);
      }) },
    ];
    for (const t of timings) console.log(row(n, t));
  }
  ctx.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
