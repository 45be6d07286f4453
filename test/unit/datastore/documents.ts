// Realistic documents for the codec tests, written the way our encoders write them (schema
// order, keys first, default namespace where the module changes, two-space indentation), so
// that decode → encode must give them back byte for byte.
import { NS } from '../../support/schema-fixtures.js';

export const ROUTER_XML = `<interfaces xmlns="${NS.if}">
  <interface>
    <name>eth0</name>
    <description>uplink &lt;to ISP&gt; &amp; "more"</description>
    <type xmlns:ianaift="${NS.ianaift}">ianaift:ethernetCsmacd</type>
    <enabled>true</enabled>
    <ipv4 xmlns="${NS.ip}">
      <mtu>1500</mtu>
      <address>
        <ip>192.0.2.1</ip>
        <prefix-length>24</prefix-length>
      </address>
      <address>
        <ip>198.51.100.7</ip>
        <prefix-length>25</prefix-length>
      </address>
    </ipv4>
    <ipv6 xmlns="${NS.ip}">
      <enabled>true</enabled>
      <address>
        <ip>2001:db8::1</ip>
        <prefix-length>64</prefix-length>
      </address>
    </ipv6>
  </interface>
  <interface>
    <name>lo</name>
    <type xmlns:ianaift="${NS.ianaift}">ianaift:softwareLoopback</type>
  </interface>
</interfaces>
<routing xmlns="${NS.rt}">
  <router-id>192.0.2.1</router-id>
  <control-plane-protocols>
    <control-plane-protocol>
      <type xmlns:rt="${NS.rt}">rt:static</type>
      <name>st0</name>
      <static-routes>
        <ipv4 xmlns="${NS.v4ur}">
          <route>
            <destination-prefix>0.0.0.0/0</destination-prefix>
            <description>default</description>
            <next-hop>
              <outgoing-interface>eth0</outgoing-interface>
              <next-hop-address>192.0.2.254</next-hop-address>
            </next-hop>
          </route>
          <route>
            <destination-prefix>10.0.0.0/8</destination-prefix>
            <next-hop>
              <special-next-hop>blackhole</special-next-hop>
            </next-hop>
          </route>
          <route>
            <destination-prefix>172.16.0.0/12</destination-prefix>
            <next-hop>
              <next-hop-list>
                <next-hop>
                  <index>1</index>
                  <next-hop-address>192.0.2.253</next-hop-address>
                </next-hop>
                <next-hop>
                  <index>2</index>
                  <next-hop-address>192.0.2.252</next-hop-address>
                </next-hop>
              </next-hop-list>
            </next-hop>
          </route>
        </ipv4>
        <ipv6 xmlns="${NS.v6ur}">
          <route>
            <destination-prefix>::/0</destination-prefix>
            <next-hop>
              <next-hop-address>2001:db8::ff</next-hop-address>
            </next-hop>
          </route>
        </ipv6>
      </static-routes>
    </control-plane-protocol>
  </control-plane-protocols>
</routing>
`;

/** The same data in RFC 7951 JSON, as our encoder writes it. */
export const ROUTER_JSON = {
  'ietf-interfaces:interfaces': {
    interface: [
      {
        'name': 'eth0',
        'description': 'uplink <to ISP> & "more"',
        'type': 'iana-if-type:ethernetCsmacd',
        'enabled': true,
        'ietf-ip:ipv4': {
          mtu: 1500,
          address: [
            { 'ip': '192.0.2.1', 'prefix-length': 24 },
            { 'ip': '198.51.100.7', 'prefix-length': 25 },
          ],
        },
        'ietf-ip:ipv6': {
          enabled: true,
          address: [{ 'ip': '2001:db8::1', 'prefix-length': 64 }],
        },
      },
      { name: 'lo', type: 'iana-if-type:softwareLoopback' },
    ],
  },
  'ietf-routing:routing': {
    'router-id': '192.0.2.1',
    'control-plane-protocols': {
      'control-plane-protocol': [
        {
          'type': 'static',
          'name': 'st0',
          'static-routes': {
            'ietf-ipv4-unicast-routing:ipv4': {
              route: [
                {
                  'destination-prefix': '0.0.0.0/0',
                  'description': 'default',
                  'next-hop': { 'outgoing-interface': 'eth0', 'next-hop-address': '192.0.2.254' },
                },
                { 'destination-prefix': '10.0.0.0/8', 'next-hop': { 'special-next-hop': 'blackhole' } },
                {
                  'destination-prefix': '172.16.0.0/12',
                  'next-hop': {
                    'next-hop-list': {
                      'next-hop': [
                        { 'index': '1', 'next-hop-address': '192.0.2.253' },
                        { 'index': '2', 'next-hop-address': '192.0.2.252' },
                      ],
                    },
                  },
                },
              ],
            },
            'ietf-ipv6-unicast-routing:ipv6': {
              route: [{ 'destination-prefix': '::/0', 'next-hop': { 'next-hop-address': '2001:db8::ff' } }],
            },
          },
        },
      ],
    },
  },
};

/** The vr-test edge cases: 64-bit numbers, user order, identityrefs, instance-identifier, empty, union, anydata. */
export const EDGE_XML = `<top xmlns="${NS.vt}">
  <i64>-9223372036854775808</i64>
  <u64>18446744073709551615</u64>
  <d64>-92233720368547758.08</d64>
  <flag/>
  <tags>zeta</tags>
  <tags>alpha</tags>
  <tags>mid</tags>
  <rule>
    <name>r3</name>
    <verdict>deny</verdict>
  </rule>
  <rule>
    <name>r1</name>
    <verdict>permit</verdict>
  </rule>
  <kind xmlns:vt="${NS.vt}">vt:fancy</kind>
  <kinds xmlns:ianaift="${NS.ianaift}">ianaift:l2vlan</kinds>
  <kinds xmlns:vt="${NS.vt}">vt:fancy</kinds>
  <target xmlns:if="${NS.if}">/if:interfaces/if:interface[if:name='eth0']/if:description</target>
  <u>-5</u>
  <udp-port>53</udp-port>
  <udp-checksum>false</udp-checksum>
  <blob><x xmlns="urn:other"><y a="1">t&amp;</y></x></blob>
</top>
`;
