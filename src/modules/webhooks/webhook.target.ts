import dns from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { UnprocessableError } from '../../errors';

/**
 * A webhook's URL, checked when it is saved: http or https, no credentials in it, and (unless
 * WEBHOOK_ALLOW_PRIVATE) a host whose every address is public unicast — loopback, private,
 * link-local, unique-local, IPv4-mapped IPv6 and the like are refused. This gives a clear error
 * at once; the delivery checks the address it actually connects to again (webhook.transport.ts).
 */
export async function checkTarget(url: string, allowPrivate: boolean): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UnprocessableError('The webhook URL is not a URL', 'invalid_target', [{ field: 'url', message: 'not a URL' }]);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UnprocessableError('A webhook URL is http or https', 'invalid_target', [{ field: 'url', message: 'must be http or https' }]);
  if (u.username || u.password) throw new UnprocessableError('Put credentials in the receiver, not in the webhook URL', 'invalid_target', [{ field: 'url', message: 'no credentials in the URL' }]);
  if (allowPrivate) return;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new UnprocessableError(`The host ${host} does not resolve`, 'unresolvable_target', [{ field: 'url', message: 'the host does not resolve' }]);
    }
  }
  for (const a of addresses) {
    const range = ipaddr.parse(a).range();
    if (range !== 'unicast') {
      throw new UnprocessableError(`The webhook target ${host} is a ${range} address (${a}); only public addresses are allowed unless WEBHOOK_ALLOW_PRIVATE=true`, 'private_target', [{ field: 'url', message: `${range} address refused` }]);
    }
  }
}
