// The LinkSpec of a link vrouterd creates (bridge, macvlan, ipvlan, vlan, vxlan, vrf, ifb, dummy;
// veth pairs are made in translate.ts), with the keys of the links it needs pushed onto `deps`.

import type { ContainerData } from '../../datastore/data-tree.js';
import { canonicalAddress, type LinkCommon } from './link-spec.js';
import { linkItemKey, type CreatedLinkValue } from './translate-keys.js';
import { lookup, type ItemSink, type LinuxInterface } from './translate-sink.js';
import { booleanLeaf, childContainer, childPath, leafValue, numberLeaf, pathOf, VL } from './translate-tree.js';

export function createdLink(sink: ItemSink, intf: LinuxInterface, common: LinkCommon, linux: ContainerData,
  byName: ReadonlyMap<string, LinuxInterface>, deps: (string | undefined)[], kind: string): CreatedLinkValue | undefined {
  const settings = (name: string): ContainerData | undefined => childContainer(linux, name, VL);
  const parentOf = (container: string): LinuxInterface | undefined => {
    const c = settings(container);
    const name = leafValue(c, 'parent', VL);
    if (c === undefined || name === undefined) {
      sink.problem(pathOf(linux), `${intf.name} needs linux/${container}/parent`);
      return undefined;
    }
    const parent = lookup(sink, byName, name, childPath(c, 'parent', VL), 'parent');
    if (parent !== undefined) deps.push(linkItemKey(parent.namespace, parent.kernelName));
    return parent;
  };
  const parentNs = (parent: LinuxInterface): { parentNamespace?: string } =>
    parent.namespace !== intf.namespace ? { parentNamespace: parent.namespace ?? '' } : {};
  switch (kind) {
    case 'bridge': {
      const b = settings('bridge');
      return {
        ...common, kind: 'bridge',
        ...(booleanLeaf(b, 'stp', VL) === true ? { stp: true } : {}),
        ...(booleanLeaf(b, 'vlan-filtering', VL) === true ? { vlanFiltering: true } : {}),
      };
    }
    case 'macvlan': {
      const parent = parentOf('macvlan');
      if (parent === undefined) return undefined;
      const mode = (leafValue(settings('macvlan'), 'mode', VL) ?? 'vepa') as 'vepa';
      return { ...common, kind: 'macvlan', parent: parent.kernelName, mode, ...parentNs(parent) };
    }
    case 'ipvlan': {
      const parent = parentOf('ipvlan');
      if (parent === undefined) return undefined;
      const mode = (leafValue(settings('ipvlan'), 'mode', VL) ?? 'l3') as 'l3';
      const flag = leafValue(settings('ipvlan'), 'flag', VL) ?? 'bridge';
      return {
        ...common, kind: 'ipvlan', parent: parent.kernelName, mode, ...parentNs(parent),
        ...(flag !== 'bridge' ? { ipvlanFlag: flag as 'private' | 'vepa' } : {}),
      };
    }
    case 'l2vlan': {
      const parent = parentOf('vlan');
      if (parent === undefined) return undefined;
      const v = settings('vlan');
      const protocol = (leafValue(v, 'protocol', VL) ?? '802.1Q') as '802.1Q';
      return { ...common, kind: 'vlan', parent: parent.kernelName, id: numberLeaf(v, 'vlan-id', VL) ?? 0, protocol, ...parentNs(parent) };
    }
    case 'vxlan': {
      const v = settings('vxlan');
      if (v === undefined) {
        sink.problem(pathOf(linux), `vxlan ${intf.name} needs linux/vxlan`);
        return undefined;
      }
      const value: CreatedLinkValue = { ...common, kind: 'vxlan', vni: numberLeaf(v, 'vni', VL) ?? 0, dstPort: numberLeaf(v, 'dstport', VL) ?? 4789 };
      const local = leafValue(v, 'local', VL);
      const remote = leafValue(v, 'remote', VL);
      const group = leafValue(v, 'group', VL);
      if (local !== undefined) value.local = canonicalAddress(local);
      if (remote !== undefined) value.remote = canonicalAddress(remote);
      if (group !== undefined) value.group = canonicalAddress(group);
      const underlayName = leafValue(v, 'underlay', VL);
      if (underlayName !== undefined) {
        const underlay = lookup(sink, byName, underlayName, childPath(v, 'underlay', VL), 'underlay');
        if (underlay !== undefined) {
          value.dev = underlay.kernelName;
          deps.push(linkItemKey(underlay.namespace, underlay.kernelName));
        }
      }
      return value;
    }
    case 'vrf': {
      const table = numberLeaf(settings('vrf'), 'table', VL);
      if (table === undefined) {
        sink.problem(pathOf(linux), `VRF ${intf.name} needs linux/vrf/table`);
        return undefined;
      }
      return { ...common, kind: 'vrf', table };
    }
    case 'ifb': return { ...common, kind: 'ifb' };
    case 'dummy': return { ...common, kind: 'dummy' };
    default:
      sink.problem(pathOf(intf.entry), `the Linux backend does not know how to create an interface of type ${intf.type}`);
      return undefined;
  }
}
