import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import proxyaddr from 'proxy-addr';

/**
 * Which proxies' `X-Forwarded-For` is believed (TRUST_PROXY): none (the default: the socket's
 * peer is the client), a number of hops (the nearest n proxies, whatever their address), or a
 * list of proxy addresses, subnets and the names `loopback`, `linklocal`, `uniquelocal`.
 */
export type TrustProxy = false | number | readonly string[];

const NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Parses TRUST_PROXY; a message naming what is wrong, or the setting. */
export function parseTrustProxy(raw: string): { ok: true; value: TrustProxy } | { ok: false; message: string } {
  const v = raw.trim();
  if (v === '' || v === 'false' || v === 'none' || v === '0') return { ok: true, value: false };
  if (v === 'true' || v === '*') {
    return { ok: false, message: 'must name the proxies (addresses, subnets, loopback, linklocal, uniquelocal) or a hop count: trusting every address lets any client choose its own' };
  }
  if (/^\d+$/.test(v)) return { ok: true, value: Number(v) };
  const entries = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of entries) {
    if (NAMES.has(e)) continue;
    const [addr, bits, ...rest] = e.split('/');
    const family = net.isIP(addr);
    const maxBits = family === 4 ? 32 : 128;
    if (!family || rest.length || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= maxBits))) {
      return { ok: false, message: `has "${e}", which is not an IP address, a subnet (10.0.0.0/8) or one of loopback, linklocal, uniquelocal` };
    }
  }
  return { ok: true, value: entries };
}

/**
 * The one place that says who the client is, for Express (`trust proxy`) and for Socket.IO
 * handshakes alike: the socket's peer, or the address a trusted proxy forwarded.
 */
export class ClientIp {
  /** the `trust proxy` function Express and proxy-addr use */
  readonly trust: (addr: string, hop: number) => boolean;

  constructor(setting: TrustProxy) {
    if (setting === false) this.trust = () => false;
    else if (typeof setting === 'number') this.trust = (_addr, hop) => hop < setting;
    else this.trust = proxyaddr.compile([...setting]);
  }

  /** The client's address of an HTTP request or a Socket.IO handshake (`socket.request`). */
  of(req: IncomingMessage): string {
    if (!req.socket?.remoteAddress) return 'unknown';
    return normalize(proxyaddr(req as Parameters<typeof proxyaddr>[0], this.trust));
  }
}

/** IPv4 seen through an IPv6 socket (`::ffff:10.0.0.1`) is the IPv4 address: one client, one key. */
export function normalize(addr: string): string {
  return addr.startsWith('::ffff:') && net.isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
}

/** The client of an Express request: `req.ip`, which `trust proxy` (set to ClientIp.trust in app.ts) computed. */
export function requestIp(req: { ip?: string }): string {
  return req.ip ? normalize(req.ip) : 'unknown';
}
