import type { IncomingMessage } from 'node:http';
import { ClientIp } from '../../../src/http/client-ip';

const req = (peer: string, xff?: string) => ({ socket: { remoteAddress: peer }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;

describe('ClientIp', () => {
  it('believes no X-Forwarded-For by default, whoever sends it', () => {
    const ip = new ClientIp(false);
    expect(ip.of(req('10.1.2.3', '203.0.113.9'))).toBe('10.1.2.3');
    expect(ip.of(req('127.0.0.1', '203.0.113.9'))).toBe('127.0.0.1');
    expect(ip.of(req('::ffff:192.0.2.4'))).toBe('192.0.2.4');
  });

  it('believes only the listed proxies, one hop at a time', () => {
    const ip = new ClientIp(['10.0.0.0/8']);
    expect(ip.of(req('10.0.0.5', '203.0.113.9'))).toBe('203.0.113.9');
    // a client on the LAN that is not a listed proxy cannot choose its address
    expect(ip.of(req('192.168.1.20', '203.0.113.9'))).toBe('192.168.1.20');
    // the proxy appended the real peer; what the client wrote in front of it is not believed
    expect(ip.of(req('10.0.0.5', '198.51.100.1, 203.0.113.9'))).toBe('203.0.113.9');
  });

  it('believes a fixed number of hops', () => {
    const ip = new ClientIp(1);
    expect(ip.of(req('172.16.0.1', '198.51.100.1, 203.0.113.9'))).toBe('203.0.113.9');
  });
});
