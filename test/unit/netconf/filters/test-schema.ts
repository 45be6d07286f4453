// The schema the filter and with-defaults tests run on: the standard modules vrouterd serves
// (ietf-interfaces, ietf-ip, ietf-routing …) compiled by libyang, plus the test modules in ./yang
// (filter-test: the RFC 6241 §6.4 examples' shape; filter-test-aug: same names in another
// namespace; wd-test: defaults, choices and when).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataTree } from '../../../../src/datastore/data-tree.js';
import { decodeXml } from '../../../../src/datastore/xml-decoder.js';
import { encodeXml, type XmlEncodeOptions } from '../../../../src/datastore/xml-encoder.js';
import { YangContext } from '../../../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../../../src/validation/module-search-path.js';
import { Schema } from '../../../../src/validation/schema.js';

const YANG_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'yang');

export const NS = {
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  ianaift: 'urn:ietf:params:xml:ns:yang:iana-if-type',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  ft: 'urn:vrouterd:test:filter',
  fa: 'urn:vrouterd:test:filter-aug',
  wdt: 'urn:vrouterd:test:wd',
  nc: 'urn:ietf:params:xml:ns:netconf:base:1.0',
  wd: 'urn:ietf:params:xml:ns:netconf:default:1.0',
};

let cached: Promise<Schema> | undefined;

export function testSchema(): Promise<Schema> {
  cached ??= (async () => {
    const ctx = await YangContext.create({
      searchDirs: [YANG_DIR, ...defaultSearchDirs()],
      modules: [...STANDARD_MODULES, { name: 'filter-test' }, { name: 'filter-test-aug' }, { name: 'wd-test' }],
    });
    try {
      return new Schema(ctx.exportSchema());
    } finally {
      ctx.close();
    }
  })();
  return cached;
}

/** Decodes data (state allowed) or fails the test. */
export function decode(schema: Schema, xml: string): DataTree {
  const r = decodeXml(schema, xml, { datastore: 'state' });
  if (!r.ok) assert.fail(r.errors.map((e) => `${e.kind}: ${e.message}`).join('\n'));
  return r.tree;
}

/** Canonical XML of a tree, for comparisons (no indentation). */
export function xml(schema: Schema, tree: DataTree, options: XmlEncodeOptions = {}): string {
  return encodeXml(schema, tree, options);
}

/** Removes the whitespace between tags, so that expected documents can be written indented. */
export function compact(text: string): string {
  return text.replace(/>\s+</g, '><').trim();
}
