import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileTrustedProxies,
  createClientAddressResolver,
  normalizeIp,
  parseForwardedHop,
} from '../../src/control/trusted-proxies.js';

const resolve = createClientAddressResolver({
  trustedProxies: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', '::ffff:192.168.0.0/112'],
});

type Row = { name: string; peer: string; headers?: Record<string, string>; expect: string };

const rows: Row[] = [
  // Untrusted peers: forwarding headers are ignored, whatever they say.
  { name: 'no proxy, no headers', peer: '203.0.113.7', expect: '203.0.113.7' },
  { name: 'spoofed XFF from an untrusted peer', peer: '203.0.113.7', headers: { 'x-forwarded-for': '1.2.3.4' }, expect: '203.0.113.7' },
  { name: 'spoofed X-Real-IP from an untrusted peer', peer: '203.0.113.7', headers: { 'x-real-ip': '10.0.0.1' }, expect: '203.0.113.7' },
  { name: 'spoofed trusted-looking XFF from an untrusted peer', peer: '198.51.100.9', headers: { 'x-forwarded-for': '127.0.0.1' }, expect: '198.51.100.9' },
  { name: 'IPv4-mapped untrusted peer is reported as IPv4', peer: '::ffff:203.0.113.7', headers: { 'x-forwarded-for': '1.2.3.4' }, expect: '203.0.113.7' },

  // Trusted peers.
  { name: 'nginx on loopback appends the client', peer: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' }, expect: '203.0.113.7' },
  { name: 'IPv4-mapped trusted peer', peer: '::ffff:127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.7' }, expect: '203.0.113.7' },
  {
    name: 'client-forged entries left of the real hop are ignored',
    peer: '10.1.1.1',
    headers: { 'x-forwarded-for': '6.6.6.6, 127.0.0.1, 203.0.113.7' },
    expect: '203.0.113.7',
  },
  {
    name: 'walks over a chain of trusted proxies to the right-most untrusted hop',
    peer: '10.1.1.1',
    headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.2.2.2, 10.3.3.3' },
    expect: '203.0.113.7',
  },
  { name: 'repeated XFF headers joined by the engine', peer: '10.1.1.1', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.9.9.9' }, expect: '203.0.113.7' },
  { name: 'every hop trusted: the left-most one is the client', peer: '10.1.1.1', headers: { 'x-forwarded-for': '10.5.5.5, 10.6.6.6' }, expect: '10.5.5.5' },
  { name: 'IPv6 client through an IPv6 proxy', peer: 'fd00::1', headers: { 'x-forwarded-for': '2001:DB8::0:1' }, expect: '2001:db8::1' },
  { name: 'bracketed IPv6 with port', peer: '10.0.0.2', headers: { 'x-forwarded-for': '[2001:db8::7]:4711' }, expect: '2001:db8::7' },
  { name: 'IPv4 with port', peer: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7:51234' }, expect: '203.0.113.7' },
  { name: 'IPv4-mapped trusted hop inside XFF', peer: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7, ::ffff:192.168.1.1' }, expect: '203.0.113.7' },
  { name: 'mapped-IPv6 CIDR trusts the plain IPv4 peer', peer: '192.168.3.3', headers: { 'x-forwarded-for': '203.0.113.8' }, expect: '203.0.113.8' },
  { name: 'X-Real-IP when there is no XFF', peer: '10.0.0.2', headers: { 'x-real-ip': '203.0.113.9' }, expect: '203.0.113.9' },
  { name: 'XFF wins over X-Real-IP', peer: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.9' }, expect: '203.0.113.7' },
  { name: 'trusted peer without headers is the client', peer: '10.0.0.2', expect: '10.0.0.2' },

  // Malformed input: never crashes, never lets garbage become an address.
  { name: 'garbage right-most hop: falls back to X-Real-IP', peer: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.7, not-an-ip', 'x-real-ip': '203.0.113.9' }, expect: '203.0.113.9' },
  { name: 'garbage right-most hop, no X-Real-IP: the peer', peer: '10.0.0.2', headers: { 'x-forwarded-for': '6.6.6.6, <script>' }, expect: '10.0.0.2' },
  { name: 'garbage behind a trusted hop stops the walk at that hop', peer: '10.0.0.2', headers: { 'x-forwarded-for': '6.6.6.6, bogus, 10.7.7.7' }, expect: '10.7.7.7' },
  { name: 'empty XFF', peer: '10.0.0.2', headers: { 'x-forwarded-for': '' }, expect: '10.0.0.2' },
  { name: 'only commas', peer: '10.0.0.2', headers: { 'x-forwarded-for': ' , ,, ' }, expect: '10.0.0.2' },
  { name: 'octal-looking IPv4 is not an address', peer: '10.0.0.2', headers: { 'x-forwarded-for': '010.1.1.1' }, expect: '10.0.0.2' },
  { name: 'unterminated bracket', peer: '10.0.0.2', headers: { 'x-forwarded-for': '[2001:db8::1' }, expect: '10.0.0.2' },
  { name: 'bracketed IPv4 is malformed', peer: '10.0.0.2', headers: { 'x-forwarded-for': '[1.2.3.4]' }, expect: '10.0.0.2' },
  { name: 'garbage X-Real-IP', peer: '10.0.0.2', headers: { 'x-real-ip': '1.2.3.4.5' }, expect: '10.0.0.2' },
  { name: 'huge XFF list', peer: '10.0.0.2', headers: { 'x-forwarded-for': Array(5000).fill('10.0.0.9').join(',') }, expect: '10.0.0.9' },
];

describe('client address behind trusted proxies', () => {
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(resolve(row.peer, row.headers ?? {}), row.expect);
    });
  }

  it('with no trusted proxies every header is ignored', () => {
    const none = createClientAddressResolver({ trustedProxies: [] });
    assert.equal(none('127.0.0.1', { 'x-forwarded-for': '203.0.113.7', 'x-real-ip': '203.0.113.8' }), '127.0.0.1');
  });
});

describe('trusted proxy configuration', () => {
  for (const entry of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/1', 'example.com', '10.0.0.0/x', '', '::ffff:1.2.3.4/95']) {
    it(`refuses "${entry}" naming the entry`, () => {
      assert.throws(() => compileTrustedProxies(['127.0.0.1', entry]), /trustedProxies\[1\]/);
    });
  }

  it('a CIDR with host bits set still covers its network', () => {
    const list = compileTrustedProxies(['10.9.9.9/8']);
    assert.equal(list.check('10.200.1.1', 'ipv4'), true);
    assert.equal(list.check('11.0.0.1', 'ipv4'), false);
  });
});

describe('address normalisation', () => {
  const cases: Array<[string, string | null]> = [
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0::1', '2001:db8::1'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.2.3', null],
    ['', null],
    ['::ffff:999.1.1.1', null],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => assert.equal(normalizeIp(input), expected));
  }
  it('forwarded hop with surrounding spaces', () => assert.equal(parseForwardedHop('  203.0.113.7  '), '203.0.113.7'));
  it('port out of shape is refused', () => assert.equal(parseForwardedHop('[::1]:abc'), null));
});
