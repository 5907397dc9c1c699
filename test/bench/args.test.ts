// Every flag of `bench/cli.js`, its defaults, bad values with a clear message, and
// the loopback-only rule for --target URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, parseTarget, isLoopbackHost, ArgError } from '../../bench/lib/args.js';

test('defaults per scenario: pushgate-node target, autocannon-like echo settings', () => {
  const echo = parseArgs(['echo']);
  assert.equal(echo.scenario, 'echo');
  assert.deepEqual(echo.target, { kind: 'named', name: 'pushgate-node' });
  assert.equal(echo.connections, 100);
  assert.equal(echo.pipelining, 10);
  assert.equal(echo.size, 32);
  assert.equal(echo.duration, 10);
  assert.equal(echo.json, false);
  assert.equal(echo.workers, null);
  const fanout = parseArgs(['fanout']);
  assert.equal(fanout.size, 64);
  assert.equal(fanout.via, 'http');
  assert.equal(fanout.channels, 1);
  assert.equal(fanout.rate, 0);
});

test('every value flag, short and long, with a separate or inline value', () => {
  const o = parseArgs([
    'echo', '-c', '7', '-d', '2.5', '-p', '3', '-s', '4096', '-w', '2', '--json', '--text',
    '--source-addresses', '4', '--target', 'ws', '--quiet',
  ]);
  assert.equal(o.connections, 7);
  assert.equal(o.duration, 2.5);
  assert.equal(o.pipelining, 3);
  assert.equal(o.size, 4096);
  assert.equal(o.workers, 2);
  assert.equal(o.json, true);
  assert.equal(o.text, true);
  assert.equal(o.quiet, true);
  assert.equal(o.sourceAddresses, 4);
  assert.deepEqual(o.target, { kind: 'named', name: 'ws' });
  const l = parseArgs(['echo', '--connections=9', '--duration=1', '--pipelining=2', '--size=0', '--workers=1']);
  assert.deepEqual([l.connections, l.duration, l.pipelining, l.size, l.workers], [9, 1, 2, 0, 1]);
  const f = parseArgs(['fanout', '--channels', '4', '--rate', '250', '--publications', '99', '--via', 'inproc', '--publish-concurrency', '2', '-c', '8', '--target', 'uws']);
  assert.deepEqual([f.channels, f.rate, f.publications, f.via, f.publishConcurrency], [4, 250, 99, 'inproc', 2]);
  const c = parseArgs(['connect', '--jwt', '--jwt-secret', 'a-long-secret-of-thirty-two-bytes!', '--concurrency', '50']);
  assert.deepEqual([c.jwt, c.jwtSecret, c.concurrency], [true, 'a-long-secret-of-thirty-two-bytes!', 50]);
  const i = parseArgs(['idle', '--settle', '0.5', '-c', '10000']);
  assert.deepEqual([i.settle, i.connections], [0.5, 10000]);
});

test('--engine picks the pushgate target; named targets are accepted', () => {
  assert.deepEqual(parseArgs(['echo', '--engine', 'uws']).target, { kind: 'named', name: 'pushgate-uws' });
  assert.deepEqual(parseArgs(['echo', '--engine', 'node']).target, { kind: 'named', name: 'pushgate-node' });
  for (const name of ['pushgate-node', 'pushgate-node-fallback', 'pushgate-uws', 'ws', 'uws']) {
    assert.deepEqual(parseArgs(['echo', '--target', name]).target, { kind: 'named', name });
  }
  assert.throws(() => parseArgs(['echo', '--engine', 'ws', '--target', 'ws']), ArgError);
});

test('bad values are refused with a message naming the flag', () => {
  const bad: Array<[string[], RegExp]> = [
    [[], /missing scenario/],
    [['flood'], /unknown scenario/],
    [['echo', 'extra'], /unexpected argument/],
    [['echo', '-c', '0'], /--connections must be between 1/],
    [['echo', '-c', 'many'], /--connections expects a number/],
    [['echo', '-c', '1.5'], /whole number/],
    [['echo', '-c', '1000000'], /--connections must be between/],
    [['echo', '-d', '0'], /--duration must be between/],
    [['echo', '-d', '9999'], /--duration must be between/],
    [['echo', '-p', '-3'], /-p needs a value/],
    [['echo', '-s', String(64 * 1024 * 1024)], /--size must be between/],
    [['echo', '-w', '99'], /--workers must be between/],
    [['echo', '-c'], /-c needs a value/],
    [['echo', '--pipelining', '0'], /--pipelining must be between 1/],
    [['echo', '--bogus'], /unknown option --bogus/],
    [['echo', '--json=yes'], /takes no value/],
    [['echo', '--engine', 'apache'], /--engine must be node or uws/],
    [['echo', '--target', 'nginx'], /--target must be one of/],
    [['fanout', '-s', '4'], /at least 12/],
    [['fanout', '-c', '2', '--channels', '3'], /cannot exceed the number of subscribers/],
    [['fanout', '--via', 'smoke-signal'], /--via must be http or inproc/],
    [['fanout', '--via', 'inproc', '--target', 'ws://127.0.0.1:9000/x'], /inproc needs a server started by the bench/],
    [['connect', '--jwt-secret', 'short-secret'], /at least 32/],
  ];
  for (const [argv, message] of bad) {
    assert.throws(() => parseArgs(argv), (error: unknown) => error instanceof ArgError && message.test((error as Error).message), argv.join(' '));
  }
});

test('--target URL: loopback 127.0.0.0/8 and localhost only, ws:// only', () => {
  assert.deepEqual(parseTarget('ws://127.0.0.1:9001/echo'), { kind: 'url', url: 'ws://127.0.0.1:9001/echo', host: '127.0.0.1', port: 9001, path: '/echo' });
  assert.deepEqual(parseTarget('ws://127.9.8.7:80/x?y=1'), { kind: 'url', url: 'ws://127.9.8.7:80/x?y=1', host: '127.9.8.7', port: 80, path: '/x?y=1' });
  assert.equal(parseTarget('ws://localhost:9001/').kind, 'url');
  assert.equal((parseTarget('ws://localhost:9001/') as { host: string }).host, '127.0.0.1');
  for (const refused of ['ws://10.0.0.1:80/', 'ws://example.com:80/', 'ws://8.8.8.8:80/', 'ws://[::1]:80/', 'ws://128.0.0.1:80/', 'ws://127.0.0.1.example.com:80/']) {
    assert.throws(() => parseTarget(refused), /loopback/, refused);
  }
  assert.throws(() => parseTarget('wss://127.0.0.1:443/'), /only ws:\/\//);
  assert.equal((parseTarget('ws://127.0.0.1/echo') as { port: number }).port, 80, 'ws:// default port');
  assert.throws(() => parseArgs(['echo', '--target', 'ws://192.168.1.10:8080/echo']), /loopback/);
});

test('isLoopbackHost', () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('127.255.255.254'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('127.0.0.256'), false);
  assert.equal(isLoopbackHost('0.0.0.0'), false);
  assert.equal(isLoopbackHost('localhost.evil'), false);
});

test('--help wins over everything else', () => {
  assert.equal(parseArgs(['--help']).help, true);
  assert.equal(parseArgs(['echo', '-h', '-c', '0']).help, true);
});
