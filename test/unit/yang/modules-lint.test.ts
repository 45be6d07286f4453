// Every module vrouterd ships in yang/ must pass yanglint, the reference YANG compiler, with no
// warnings, against the standard modules from the Debian packages.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireCommand } from '../../support/prerequisites.js';
import { defaultSearchDirs } from '../../../src/validation/module-search-path.js';

const yangDir = join(import.meta.dirname, '..', '..', '..', 'yang');
const modules = readdirSync(yangDir).filter((f) => f.endsWith('.yang')).sort();

describe('yang/ modules', () => {
  before(() => requireCommand('yanglint', 'libyang2-tools'));

  it('holds vrouter-agent', () => {
    assert.ok(modules.some((m) => m.startsWith('vrouter-agent')), `modules: ${modules.join(', ')}`);
  });

  for (const file of modules) {
    it(`${file} passes yanglint without warnings`, () => {
      const args = defaultSearchDirs().flatMap((d) => ['-p', d]);
      const run = spawnSync('yanglint', [...args, join(yangDir, file)], { encoding: 'utf8' });
      assert.equal(run.status, 0, `yanglint failed:\n${run.stderr}`);
      assert.equal(run.stderr.trim(), '', `yanglint warned:\n${run.stderr}`);
    });

    it(`${file} is named after its module and latest revision`, () => {
      const info = spawnSync('yanglint', [...defaultSearchDirs().flatMap((d) => ['-p', d]), '-f', 'info', join(yangDir, file)], { encoding: 'utf8' });
      assert.equal(info.status, 0, info.stderr);
      const name = /^module (\S+)/m.exec(info.stdout)?.[1];
      const revision = /revision (\d{4}-\d{2}-\d{2})/.exec(info.stdout)?.[1];
      assert.equal(file, `${name}@${revision}.yang`);
    });
  }
});
