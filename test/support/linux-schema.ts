// The served module set with vrouter-linux, compiled by libyang, and a decoder of configuration
// XML into data trees: what the Linux backend's tests start from.
import type { DataTree } from '../../src/datastore/data-tree.js';
import { decodeXml } from '../../src/datastore/xml-decoder.js';
import { YangContext } from '../../src/validation/libyang.js';
import { defaultSearchDirs, STANDARD_MODULES } from '../../src/validation/module-search-path.js';
import { Schema } from '../../src/validation/schema.js';

export interface LinuxSchema {
  readonly yang: YangContext;
  readonly schema: Schema;
  /** Decodes configuration XML (top-level siblings); a decode error throws with its messages. */
  tree(xml: string): DataTree;
  close(): void;
}

export async function openLinuxSchema(): Promise<LinuxSchema> {
  const yang = await YangContext.create({ searchDirs: defaultSearchDirs(), modules: [...STANDARD_MODULES, { name: 'vrouter-linux' }] });
  const schema = new Schema(yang.exportSchema());
  return {
    yang,
    schema,
    tree(xml: string): DataTree {
      const decoded = decodeXml(schema, xml, { datastore: 'config' });
      if (!decoded.ok) throw new Error(decoded.errors.map((e) => e.message).join('; '));
      return decoded.tree;
    },
    close: () => yang.close(),
  };
}
