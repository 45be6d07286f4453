// Writing checked values back out. Only identityref and instance-identifier differ between XML
// and JSON beyond the JSON kind (RFC 7951 §6): their module names become XML prefixes.
import { identityrefToJson, identityrefToXml } from './identityref.js';
import { canonicalInstanceIdToXml } from './instance-identifier.js';
import type { FormatJson, FormatXml } from './value.js';

export const formatXml: FormatXml = (value, prefixFor) => {
  switch (value.base) {
    case 'identityref': return identityrefToXml(value.canonical, prefixFor);
    case 'instance-identifier': return canonicalInstanceIdToXml(value.canonical, prefixFor);
    default: return value.canonical;
  }
};

export const formatJson: FormatJson = (value, localModule) => {
  switch (value.base) {
    case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32':
      return Number(value.canonical);
    case 'boolean':
      return value.canonical === 'true';
    case 'empty':
      return [null];
    case 'identityref':
      return identityrefToJson(value.canonical, localModule);
    default:
      // int64, uint64 and decimal64 are strings so that no JSON reader rounds them (§6.1).
      return value.canonical;
  }
};
