import { BlockList, isIP } from 'node:net';

/** The CIDR strings a BlockList was built from (its rules read "Subnet: IPv4 10.0.0.0/8" or "Address: IPv4 1.2.3.4"). */
export function cidrsOf(list: BlockList): string[] {
  return list.rules
    .map((rule) => {
      const subnet = /^Subnet: IPv[46] (.+)$/.exec(rule);
      if (subnet) return subnet[1];
      const address = /^Address: IPv[46] (.+)$/.exec(rule);
      if (address) return address[1];
      throw new Error(`cannot express network rule "${rule}" as CIDR`);
    })
    .reverse(); // BlockList lists the newest rule first
}

export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  return list;
}
