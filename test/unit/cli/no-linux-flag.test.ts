// --no-linux: the Linux backend is on unless the command line turns it off.
import assert from 'node:assert/strict';

import { parseArgs, type RunArgs } from '../../../src/cli/args.js';
import { MAIN_HELP } from '../../../src/cli/help.js';

describe('vrouterd --no-linux', () => {
  it('is off by default and set by the flag', () => {
    const plain = parseArgs(['--port', '0']) as RunArgs;
    assert.equal(plain.command, 'run');
    assert.equal(plain.noLinux, undefined);
    const off = parseArgs(['run', '--no-linux', '--port', '0']) as RunArgs;
    assert.equal(off.noLinux, true);
  });

  it('is documented in --help', () => {
    assert.match(MAIN_HELP, /--no-linux/u);
  });
});
