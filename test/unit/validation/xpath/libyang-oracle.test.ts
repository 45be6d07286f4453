// libyang is the oracle: each expression becomes a `must` in a tiny module, yanglint validates
// the same data, and its verdict must be ours.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand } from '../../../support/prerequisites.js';
import { compileXPath, evaluateBoolean, isXPathError } from '../../../../src/validation/xpath/index.js';
import { c, l, leaf, root, TestTree, type TNode } from './test-tree.js';

const MODULE = (must: string): string => `module xpath-oracle {
  yang-version 1.1;
  namespace "urn:xo";
  prefix xo;
  identity base-type;
  identity eth { base base-type; }
  identity loop { base base-type; }
  container top {
    list iface {
      key name;
      ordered-by user;
      leaf name { type string; }
      leaf mtu { type uint16; }
      leaf type { type identityref { base base-type; } }
      leaf enabled { type boolean; }
      leaf speed { type decimal64 { fraction-digits 2; } }
      leaf mode { type enumeration { enum slow; enum fast { value 5; } } }
      leaf flags { type bits { bit a; bit b { position 3; } } }
    }
    leaf uplink { type leafref { path "../iface/name"; } }
    leaf-list count { type uint32; ordered-by user; }
    leaf check { type string; must "${must.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"; }
  }
}
`;

const DATA = `<top xmlns="urn:xo" xmlns:xo="urn:xo">
  <iface><name>eth0</name><mtu>1500</mtu><type>xo:eth</type><enabled>true</enabled><speed>5.00</speed><mode>fast</mode><flags>b a</flags></iface>
  <iface><name>eth1</name><mtu>9000</mtu><type xmlns:x="urn:xo">x:loop</type><enabled>false</enabled></iface>
  <uplink>eth0</uplink>
  <count>3</count><count>1</count><count>2</count>
  <check>x</check>
</top>
`;

/** The same data as a test tree, with the canonical values libyang stores. */
function oracleTree(): { tree: TestTree; check: TNode } {
  const r = root(c('xpath-oracle:top',
    l('iface', ['name'],
      leaf('name', 'eth0'), leaf('mtu', '1500', 'uint16'), leaf('type', 'xpath-oracle:eth', 'identityref'),
      leaf('enabled', 'true', 'boolean'), leaf('speed', '5.0', 'decimal64'),
      leaf('mode', 'fast', 'enumeration', { enumValue: 5 }), leaf('flags', 'a b', 'bits')),
    l('iface', ['name'],
      leaf('name', 'eth1'), leaf('mtu', '9000', 'uint16'), leaf('type', 'xpath-oracle:loop', 'identityref'),
      leaf('enabled', 'false', 'boolean')),
    leaf('uplink', 'eth0', 'string', { leafref: { text: '../iface/name', prefixes: {} } }),
    leaf('count', '3', 'uint32'), leaf('count', '1', 'uint32'), leaf('count', '2', 'uint32'),
    leaf('check', 'x')));
  const tree = new TestTree(r, {
    index: true,
    identities: { 'xpath-oracle:base-type': [], 'xpath-oracle:eth': ['xpath-oracle:base-type'], 'xpath-oracle:loop': ['xpath-oracle:base-type'] },
  });
  const top = r.children[0] as TNode;
  return { tree, check: top.children[top.children.length - 1] as TNode };
}

const EXPRESSIONS = [
  'count(../iface) = 2',
  "../iface[2]/name = 'eth1'",
  '../iface[last()]/mtu = 9000',
  "../iface[mtu > 2000]/name = 'eth1'",
  "../iface[mtu > 2000]/name = 'eth0'",
  '../count[1] = 3',
  '../count[. > 1][2] = 2',
  '../count != 3',
  'sum(../count) = 6',
  '../iface[name = current()/../uplink]/mtu = 1500',
  'deref(../uplink)/../mtu = 1500',
  "derived-from(../iface/type, 'xo:base-type')",
  "derived-from(../iface/type, 'xo:eth')",
  "derived-from-or-self(../iface[1]/type, 'eth')",
  "../iface[1]/type = 'xo:eth'",
  "../iface[1]/type = 'eth'",
  "../iface[1]/type = 'xo:loop'",
  "../iface[1]/type = 'xpath-oracle:eth'",
  "../iface[1]/mtu = '01500'",
  "../iface[1]/mtu = '1500.0'",
  'enum-value(../iface[1]/mode) = 5',
  "bit-is-set(../iface[1]/flags, 'b')",
  "bit-is-set(../iface[1]/flags, 'c')",
  "string(../iface[1]/flags) = 'a b'",
  '../iface[1]/speed = 5',
  "../iface[1]/speed = '5'",
  "string(../iface[1]/speed) = '5.0'",
  "substring('12345', 1.5, 2.6) = '234'",
  "substring('12345', 0, 3) = '12'",
  'round(-2.5) = -2',
  "string(1 div 0) = 'Infinity'",
  "string(0 div 0) = 'NaN'",
  "re-match(../uplink, 'eth[0-9]+')",
  "re-match(../uplink, 'eth')",
  'count(preceding-sibling::*) = 6',
  'count(ancestor::node()) = 2',
  "local-name(ancestor::*[1]) = 'top'",
  "../iface[1]/following-sibling::iface/name = 'eth1'",
  "preceding-sibling::iface[1]/name = 'eth1'",
  'not(../iface[3])',
  "local-name(..) = 'top'",
  "translate('abc', 'b', '') = 'ac'",
  "concat(../iface[1]/name, '-', ../iface[2]/name) = 'eth0-eth1'",
  "normalize-space('  a  b ') = 'a b'",
  'string-length(../iface[1]/name) = 4',
  "../iface/enabled = 'true'",
  "boolean(../iface[enabled = 'false'])",
  'count(//xo:iface) = 2',
  "(../iface/name)[last()] = 'eth1'",
  '../iface/mtu > ../count',
  '../iface/mtu < ../count',
  '1 + 2 * 3 = 7',
  '-2 - -3 = 1',
  '5 mod -2 = 1',
  "'abc' < 'abd'",
  'true() = 2',
  "boolean('0')",
  "string(-0) = '0'",
  "substring('12345', -1 div 0, 1 div 0) = ''",
  'round(-0.4) = 0',
  '../count[last()] = 2',
  'count(../iface[1]/following::*) = 10',
  'count(../iface[1]/preceding::*) = 0',
  'count(../iface[2]/name/following::*) = 8',
  "../iface[1]/*[3] = 'xo:eth'",
  'count(../iface[1]/descendant::node()) = 7',
  '../iface[1]/mtu/text() = 1500',
  'count(../iface/mtu | ../iface/name) = 4',
  '(../count | ../iface/mtu)[1] = 1500',
  '(../count | ../iface/mtu)[last()] = 2',
  "../iface[name = 'eth1']/preceding-sibling::iface/name = 'eth0'",
  'count(../iface[enabled = true()]) = 2',
  "count(../iface[enabled = 'true']) = 1",
  "starts-with(../iface[2]/type, 'xpath-oracle:')",
  "substring-after(../iface[2]/type, ':') = 'loop'",
  "../iface[2]/speed = ''",
  'not(../iface[2]/speed)',
];

/**
 * Where vrouterd follows XPath 1.0 and libyang 2.1 does not. Checked so that a change on either
 * side is noticed.
 */
const KNOWN_DIFFERENCES: { expr: string; ours: boolean; why: string }[] = [
  { expr: 'count(ancestor::*) = 1', ours: true, why: 'libyang lets * match the root node; XPath * matches elements only' },
  {
    expr: "string(../iface[2]) = 'eth19000xpath-oracle:loopfalse'",
    ours: true,
    why: 'the string-value of an inner node is the concatenation of its leaf values; libyang formats it differently',
  },
  { expr: "'1e3' = 1000", ours: false, why: 'an XPath Number has no exponent; libyang converts "1e3" to 1000' },
  { expr: "number(' 5 ') = 5", ours: true, why: 'XPath allows whitespace around a number in a string; libyang gives NaN' },
  { expr: "string(0.1 + 0.2) = '0.30000000000000004'", ours: true, why: 'XPath prints every digit needed to identify the double; libyang prints fewer' },
  { expr: "string(1000000 * 1000000 * 1000000 * 1000) = '1000000000000000000000'", ours: true, why: 'XPath never prints an exponent; libyang does' },
  { expr: 'ceiling(-0.5) = 0', ours: true, why: 'ceiling(-0.5) is -0; libyang 2.1 gives 1' },
  { expr: 'count(../uplink/preceding::*) = 13', ours: true, why: 'preceding:: excludes ancestors; libyang counts one' },
  { expr: 'count(../iface[2]/name/preceding::*) = 8', ours: true, why: "preceding:: reaches beyond the parent; libyang's stops there" },
];

describe('xpath against libyang (yanglint)', function () {
  this.timeout(120000);
  let dir = '';
  let yanglint = '';
  const { tree, check } = oracleTree();

  before(() => {
    yanglint = requireCommand('yanglint', 'libyang2-tools');
    dir = mkdtempSync(join(tmpdir(), 'xpath-oracle-'));
    writeFileSync(join(dir, 'data.xml'), DATA);
  });

  after(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  function verdicts(expr: string): { libyang: boolean; ours: boolean } {
    writeFileSync(join(dir, 'xpath-oracle.yang'), MODULE(expr));
    const r = spawnSync(yanglint, ['-t', 'config', join(dir, 'xpath-oracle.yang'), join(dir, 'data.xml')], { encoding: 'utf8' });
    const stderr = r.stderr.split('\n').filter((line) => !line.startsWith('libyang warn') && line !== '').join('\n');
    let libyang: boolean;
    if (r.status === 0) libyang = true;
    else if (/Must condition .* not satisfied/.test(stderr)) libyang = false;
    else throw new Error(`yanglint failed on ${expr}: ${stderr}`);
    const compiled = compileXPath(expr, { xo: 'xpath-oracle' }, { unprefixed: { module: 'xpath-oracle' } });
    if (isXPathError(compiled)) throw new Error(compiled.message);
    const ours = evaluateBoolean(compiled, check, tree);
    if (isXPathError(ours)) throw new Error(ours.message);
    return { libyang, ours };
  }

  it(`gives libyang’s verdict for ${EXPRESSIONS.length} must expressions`, () => {
    const mismatches: string[] = [];
    let trues = 0;
    for (const expr of EXPRESSIONS) {
      const { libyang, ours } = verdicts(expr);
      if (libyang) trues++;
      if (ours !== libyang) mismatches.push(`${expr}: libyang ${libyang}, ours ${ours}`);
    }
    assert.deepEqual(mismatches, []);
    assert.ok(trues > 10 && trues < EXPRESSIONS.length, 'the set has both verdicts');
  });

  for (const { expr, ours: expected, why } of KNOWN_DIFFERENCES) {
    it(`differs on purpose: ${why}`, () => {
      const { libyang, ours } = verdicts(expr);
      assert.equal(ours, expected, expr);
      assert.equal(libyang, !expected, expr);
    });
  }
});
