// XML namespaces the NETCONF layer speaks. One place, so a typo cannot make two spellings.

/** RFC 6241: <hello>, <rpc>, <rpc-reply>, <rpc-error>, and the base operations. */
export const NETCONF_BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
/** RFC 5277: <create-subscription> and the <notification> envelope. */
export const NOTIFICATION_NS = 'urn:ietf:params:xml:ns:netconf:notification:1.0';
/** RFC 6022 ietf-netconf-monitoring (<get-schema>, netconf-state). */
export const MONITORING_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring';
/** RFC 6470 ietf-netconf-notifications (session-start / -end, config-change ...). */
export const NETCONF_NOTIFICATIONS_NS = 'urn:ietf:params:xml:ns:yang:ietf-netconf-notifications';
/** RFC 6243 with-defaults (the wd:default attribute). */
export const WITH_DEFAULTS_NS = 'urn:ietf:params:xml:ns:netconf:default:1.0';
/** RFC 7950 §7.18.3: error-info content of YANG validation errors. */
export const YANG_NS = 'urn:ietf:params:xml:ns:yang:1';
/** RFC 6020 §11: the YIN namespace (format of <get-schema> with format yin). */
export const YIN_NS = 'urn:ietf:params:xml:ns:yang:yin:1';
/** The xml: prefix, always bound. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** Namespace of xmlns / xmlns:p declarations as saxes reports them. */
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
