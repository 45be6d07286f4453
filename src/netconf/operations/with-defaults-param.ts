// The RFC 6243 <with-defaults> parameter of <get>, <get-config> and <copy-config>:
//   <with-defaults xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults">report-all</with-defaults>
// Absent: the basic mode, explicit (what clients set is what they get). A mode other than the
// four of §3 → invalid-value (bad-element with-defaults).
import { WITH_DEFAULTS_BASIC_MODE, type WithDefaultsMode } from '../../datastore/with-defaults.js';
import type { XmlElement } from '../xml/element.js';
import { enumParam, WITH_DEFAULTS_PARAM_NS, type ParamName } from './params.js';

const MODES: readonly WithDefaultsMode[] = ['report-all', 'report-all-tagged', 'trim', 'explicit'];

export const WITH_DEFAULTS_PARAM: ParamName = [WITH_DEFAULTS_PARAM_NS, 'with-defaults'];

/** The retrieval mode the request asks for. */
export function readWithDefaults(op: XmlElement): WithDefaultsMode {
  return enumParam(op, 'with-defaults', MODES, WITH_DEFAULTS_BASIC_MODE, WITH_DEFAULTS_PARAM_NS);
}
