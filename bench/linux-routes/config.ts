// The benchmark's configuration: one router namespace, one veth pair (both ends in it, one with
// an address) and N IPv4 static routes through it, as NETCONF XML (the shape of
// test/integration/linux-backend.test.ts) and as the `ip -batch` lines vrouterd renders for it.

const NS = {
  nc: 'urn:ietf:params:xml:ns:netconf:base:1.0',
  if: 'urn:ietf:params:xml:ns:yang:ietf-interfaces',
  ip: 'urn:ietf:params:xml:ns:yang:ietf-ip',
  rt: 'urn:ietf:params:xml:ns:yang:ietf-routing',
  v4ur: 'urn:ietf:params:xml:ns:yang:ietf-ipv4-unicast-routing',
  vl: 'urn:vrouterd:params:xml:ns:yang:vrouter-linux',
} as const;

/** The veth end carrying the address, its kernel name, and the next hop of every route. */
export const DEV = 'veth0';
export const PEER_DEV = 'veth1';
export const LOCAL = '10.255.0.1';
export const GATEWAY = '10.255.0.2';
export const PREFIX_LENGTH = 24;

/** The i-th route's destination: host routes in 100.64.0.0/10 (i < 4M). */
export function destination(i: number): string {
  return `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

/** `<config>` for edit-config: the namespace, the veth pair with its address, `routes` routes. */
export function benchConfigXml(namespace: string, routes: number): string {
  return `<config xmlns="${NS.nc}" xmlns:nc="${NS.nc}">${benchDataXml(namespace, routes)}</config>`;
}

/** The same configuration as top-level data elements (what decodeXml reads). */
export function benchDataXml(namespace: string, routes: number): string {
  const parts: string[] = [];
  parts.push(`<namespaces xmlns="${NS.vl}"><namespace><name>${namespace}</name></namespace></namespaces>`);
  parts.push(`<interfaces xmlns="${NS.if}">`);
  parts.push(`<interface><name>bench-a</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${namespace}</namespace><kernel-name>${DEV}</kernel-name><veth><peer>bench-b</peer></veth></linux>`
    + `<ipv4 xmlns="${NS.ip}"><address><ip>${LOCAL}</ip><prefix-length>${PREFIX_LENGTH}</prefix-length></address></ipv4></interface>`);
  parts.push(`<interface><name>bench-b</name><type xmlns:vl="${NS.vl}">vl:veth</type>`
    + `<linux xmlns="${NS.vl}"><namespace>${namespace}</namespace><kernel-name>${PEER_DEV}</kernel-name><veth><peer>bench-a</peer></veth></linux></interface>`);
  parts.push('</interfaces>');
  parts.push(`<rt:routing xmlns:rt="${NS.rt}"><rt:control-plane-protocols><rt:control-plane-protocol><rt:type>rt:static</rt:type>`
    + `<rt:name>bench</rt:name><linux xmlns="${NS.vl}"><namespace>${namespace}</namespace></linux>`
    + `<rt:static-routes><ipv4 xmlns="${NS.v4ur}">`);
  for (let i = 0; i < routes; i++) {
    parts.push(`<route><destination-prefix>${destination(i)}</destination-prefix><next-hop>`
      + `<outgoing-interface>bench-a</outgoing-interface><next-hop-address>${GATEWAY}</next-hop-address></next-hop></route>`);
  }
  parts.push('</ipv4></rt:static-routes></rt:control-plane-protocol></rt:control-plane-protocols></rt:routing>');
  return parts.join('');
}

/** `<config>` that removes everything benchConfigXml made. */
export function removalXml(): string {
  return `<config xmlns="${NS.nc}" xmlns:nc="${NS.nc}">`
    + `<namespaces xmlns="${NS.vl}" nc:operation="remove"/>`
    + `<interfaces xmlns="${NS.if}" nc:operation="remove"/>`
    + `<rt:routing xmlns:rt="${NS.rt}" nc:operation="remove"/>`
    + '</config>';
}

/** The `ip -batch` lines of the routes, as vrouterd's batch-render.ts writes them. */
export function routeLines(routes: number): string[] {
  return Array.from({ length: routes }, (_, i) => `route replace ${destination(i)} table 254 metric 0 via ${GATEWAY} dev ${DEV}`);
}
