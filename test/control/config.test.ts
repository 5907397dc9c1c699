// Configuration as an operator meets it: defaults, files, PUSHGATE_* variables,
// flags, their precedence, and error messages that name the offending key.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/control/config/errors.js';
import { parseFlags, UsageError } from '../../src/control/config/flags.js';
import { loadConfig, type LoadConfigOptions } from '../../src/control/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pushgate-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The error lines loadConfig reports for these options (fails the test when it does not throw). */
function errorsOf(options: LoadConfigOptions | (() => unknown)): string {
  try {
    if (typeof options === 'function') options();
    else loadConfig(options);
  } catch (error) {
    assert.ok(error instanceof ConfigError || error instanceof UsageError, `unexpected ${String(error)}`);
    return (error as Error).message;
  }
  assert.fail('expected a configuration error');
}

describe('defaults', () => {
  test('with no source at all the gateway gets the documented defaults', () => {
    const { config } = loadConfig();
    assert.deepEqual(config.server, {
      host: '0.0.0.0',
      port: 8080,
      engine: 'node',
      maxHeaderSize: 16 * 1024,
      handshakeTimeout: 10_000,
      closeTimeout: 5_000,
    });
    assert.deepEqual(
      config.routes.map((r) => [r.path, r.type]),
      [['/ws', 'pubsub'], ['/stream/:channel', 'stream'], ['/echo', 'echo']],
    );
    const ws = config.routes[0];
    assert.equal(ws.maxMessageSize, 1024 * 1024);
    assert.equal(ws.compression, false);
    assert.deepEqual(ws.channels, ['*']);
    assert.equal(ws.clientPublish, true);
    assert.equal(ws.slowConsumer, 'close');
    assert.equal(ws.maxBufferedAmount, 4 * 1024 * 1024);
    assert.deepEqual(ws.subprotocols, []);
    assert.equal(ws.pingInterval, 25_000);
    assert.equal(ws.pongTimeout, 10_000);
    assert.deepEqual(config.channels, {
      maxLength: 255,
      defaults: { historySize: 100, historyTtl: 300_000, clientPublish: true },
      namespaces: {},
    });
    assert.deepEqual(config.api, { keys: [], maxBodySize: 1024 * 1024 });
    assert.deepEqual(config.metrics, { enabled: true, path: '/metrics', port: 0, host: '' });
    assert.deepEqual(config.demo, { enabled: true });
    assert.deepEqual(config.drain, { timeout: 30_000, closeDelayMin: 0, closeDelayMax: 10_000 });
    assert.deepEqual(config.log, { level: 'info', handshakeSampleLimit: 10 });
  });

  test('two loads never share mutable default lists', () => {
    const a = loadConfig().config;
    a.routes[0].channels.push('mutated');
    a.api.keys.push('mutated');
    const b = loadConfig().config;
    assert.deepEqual(b.routes[0].channels, ['*']);
    assert.deepEqual(b.api.keys, []);
  });
});

describe('files', () => {
  test('YAML with units: sizes and durations become bytes and milliseconds, omitted keys keep defaults', () => {
    const path = file(
      'units.yaml',
      [
        'server:',
        '  port: 9001',
        '  handshakeTimeout: 3s',
        'routes:',
        '  - path: /live',
        '    type: pubsub',
        '    maxMessageSize: 64KiB',
        '    pingInterval: 1m',
        '    clientPublish: false',
        'channels:',
        '  defaults: { historyTtl: 90s }',
        '  namespaces:',
        '    news: { historySize: 10 }',
        '',
      ].join('\n'),
    );
    const { config, configFile } = loadConfig({ configFile: path });
    assert.equal(configFile, path);
    assert.equal(config.server.port, 9001);
    assert.equal(config.server.handshakeTimeout, 3000);
    assert.equal(config.server.host, '0.0.0.0');
    // A routes list replaces the default routes whole.
    assert.deepEqual(config.routes.map((r) => r.path), ['/live']);
    assert.equal(config.routes[0].maxMessageSize, 65536);
    assert.equal(config.routes[0].pingInterval, 60_000);
    assert.equal(config.routes[0].clientPublish, false);
    assert.equal(config.routes[0].maxBufferedAmount, 4 * 1024 * 1024);
    // A declared namespace inherits what it does not set from channels.defaults.
    assert.deepEqual(config.channels.namespaces.news, { historySize: 10, historyTtl: 90_000, clientPublish: true });
  });

  test('JSON files are read by extension', () => {
    const path = file('c.json', JSON.stringify({ server: { port: 9002 }, api: { keys: ['k1'], maxBodySize: 2048 } }));
    const { config } = loadConfig({ configFile: path });
    assert.equal(config.server.port, 9002);
    assert.deepEqual(config.api, { keys: ['k1'], maxBodySize: 2048 });
  });

  test('an empty YAML file means all defaults', () => {
    assert.equal(loadConfig({ configFile: file('empty.yml', '') }).config.server.port, 8080);
  });

  test('unreadable, malformed or oddly named files are reported with the file name', () => {
    assert.match(errorsOf({ configFile: join(dir, 'missing.yaml') }), /cannot read config file .*missing\.yaml \(ENOENT\)/);
    assert.match(errorsOf({ configFile: file('bad.yaml', 'server: [1,\n') }), /bad\.yaml is not valid YAML/);
    assert.match(errorsOf({ configFile: file('bad.json', '{"server": ') }), /bad\.json is not valid JSON/);
    assert.match(errorsOf({ configFile: file('conf.toml', 'x = 1') }), /expected a name ending in \.yaml, \.yml or \.json/);
    assert.match(errorsOf({ configFile: file('list.yaml', '- 1\n- 2\n') }), /expected a mapping of options at the top level/);
    assert.match(errorsOf({ configFile: file('dup.yaml', 'server:\n  port: 1\n  port: 2\n') }), /dup\.yaml is not valid YAML: Map keys must be unique at line 3, column 3$/);
  });
});

describe('precedence: flags > env > file > defaults', () => {
  const yaml = () => file('prec.yaml', 'server:\n  port: 1111\n  host: 127.0.0.5\n');

  test('the file wins over the defaults', () => {
    const { config } = loadConfig({ configFile: yaml() });
    assert.equal(config.server.port, 1111);
    assert.equal(config.server.engine, 'node');
  });

  test('the environment wins over the file', () => {
    const { config } = loadConfig({ configFile: yaml(), env: { PUSHGATE_PORT: '2222' } });
    assert.equal(config.server.port, 2222);
    assert.equal(config.server.host, '127.0.0.5', 'keys the environment does not set still come from the file');
  });

  test('flags win over the environment', () => {
    const { config } = loadConfig({ configFile: yaml(), env: { PUSHGATE_PORT: '2222' }, flags: parseFlags(['--port', '3333']) });
    assert.equal(config.server.port, 3333);
  });

  test('the config file itself: --config over PUSHGATE_CONFIG over the configFile option', () => {
    const a = file('a.yaml', 'server: { port: 1 }\n');
    const b = file('b.yaml', 'server: { port: 2 }\n');
    const c = file('c.yaml', 'server: { port: 3 }\n');
    assert.equal(loadConfig({ configFile: a }).config.server.port, 1);
    assert.equal(loadConfig({ configFile: a, env: { PUSHGATE_CONFIG: b } }).config.server.port, 2);
    assert.equal(loadConfig({ configFile: a, env: { PUSHGATE_CONFIG: b }, flags: parseFlags(['--config', c]) }).config.server.port, 3);
  });

  test('every kind of variable converts: lists, booleans, units, structured routes', () => {
    const { config, warnings } = loadConfig({
      env: {
        PUSHGATE_API_KEY: 'alpha, beta,,',
        PUSHGATE_METRICS_ENABLED: 'false',
        PUSHGATE_DEMO_ENABLED: 'no',
        PUSHGATE_HISTORY_TTL: '2m',
        PUSHGATE_MAX_HEADER_SIZE: '8KiB',
        PUSHGATE_LOG_LEVEL: 'warn',
        PUSHGATE_ROUTES: '[{"path": "/only", "type": "echo"}]',
        PUSHGATE_NAMESPACES: '{ chat: { clientPublish: false } }',
        PUSHGATE_ENGINE: '',
        PUSHGATE_SOMETHING_ELSE: '1',
      },
    });
    assert.deepEqual(config.api.keys, ['alpha', 'beta']);
    assert.equal(config.metrics.enabled, false);
    assert.equal(config.demo.enabled, false);
    assert.equal(config.channels.defaults.historyTtl, 120_000);
    assert.equal(config.server.maxHeaderSize, 8192);
    assert.equal(config.log.level, 'warn');
    assert.deepEqual(config.routes.map((r) => r.path), ['/only']);
    assert.equal(config.channels.namespaces.chat.clientPublish, false);
    assert.equal(config.server.engine, 'node', 'an empty variable counts as unset');
    assert.deepEqual(warnings, ['unknown environment variable PUSHGATE_SOMETHING_ELSE ignored']);
  });
});

describe('errors name the key path and what was expected', () => {
  test('unknown key at the top level, with the keys that would have been accepted', () => {
    assert.equal(
      errorsOf({ config: { servr: { port: 1 } } as never }),
      'config error: servr: unknown key (expected one of: server, log, api, metrics, demo, drain, trustedProxies, auth, limits, routes, channels)',
    );
  });

  test('unknown nested keys: in a mapping, in a list entry, in a namespace', () => {
    const message = errorsOf({
      configFile: file('nested.yaml', 'server:\n  prot: 1\nroutes:\n  - { path: /ws, type: pubsub, maxMesageSize: 5 }\nchannels:\n  namespaces:\n    news: { histroySize: 1 }\n'),
    });
    assert.match(message, /^config error: server\.prot: unknown key \(expected one of: host, port, engine, /m);
    assert.match(message, /^config error: routes\.0\.maxMesageSize: unknown key \(expected one of: path, type, maxMessageSize/m);
    assert.match(message, /^config error: channels\.namespaces\.news\.histroySize: unknown key \(expected one of: historySize, historyTtl, clientPublish\)/m);
  });

  test('a bad enum value lists the allowed values and what was found', () => {
    assert.equal(
      errorsOf({ config: { routes: [{ path: '/ws', type: 'pubsubb' }] } as never }),
      'config error: routes.0.type: expected one of "pubsub" | "stream" | "echo", got "pubsubb"',
    );
  });

  test('bad numbers: wrong type, out of range, not an integer', () => {
    assert.match(errorsOf({ config: { server: { port: 'eighty' } } as never }), /^config error: server\.port: expected number, got "eighty"$/);
    assert.match(errorsOf({ config: { server: { port: 70000 } } }), /^config error: server\.port: expected a number <= 65535, got 70000$/);
    assert.match(errorsOf({ config: { channels: { maxLength: 2.5 } } }), /^config error: channels\.maxLength: expected int, got 2\.5$/);
    assert.match(errorsOf({ config: { channels: { defaults: { historySize: -1 } } } }), /channels\.defaults\.historySize: expected a number >= 0, got -1/);
  });

  test('a bad size or duration string says which forms are accepted', () => {
    assert.match(
      errorsOf({ config: { routes: [{ path: '/ws', type: 'pubsub', maxMessageSize: '1MegaByte' }] } }),
      /^config error: routes\.0\.maxMessageSize: expected a size of at least 1 bytes \(a number of bytes, or a string such as "16KiB", "1MiB", "4MB"\), got "1MegaByte"$/,
    );
    assert.match(errorsOf({ config: { server: { closeTimeout: 'later' } } }), /^config error: server\.closeTimeout: expected a duration .* got "later"$/);
  });

  test('a bad environment variable is named', () => {
    assert.equal(
      errorsOf({ env: { PUSHGATE_PORT: 'abc' } }),
      'config error: server.port: expected number, got "abc" (set by environment variable PUSHGATE_PORT)',
    );
    assert.match(errorsOf({ env: { PUSHGATE_METRICS_ENABLED: 'maybe' } }), /metrics\.enabled: expected boolean, got "maybe" \(set by environment variable PUSHGATE_METRICS_ENABLED\)/);
    assert.match(errorsOf({ env: { PUSHGATE_ROUTES: '[{"path": ' } }), /environment variable PUSHGATE_ROUTES: expected JSON or YAML text/);
  });

  test('a bad flag value is named; an unknown flag is a usage error', () => {
    assert.equal(
      errorsOf({ flags: parseFlags(['--engine', 'fast']) }),
      'config error: server.engine: expected one of "node" | "uws", got "fast" (set by flag --engine)',
    );
    assert.match(errorsOf({ flags: parseFlags(['--log-level', 'loud']) }), /log\.level: expected one of .* got "loud" \(set by flag --log-level\)/);
    assert.match(errorsOf(() => parseFlags(['--prot', '80'])), /Unknown option '--prot'/);
    assert.match(errorsOf(() => parseFlags(['--port'])), /--port/);
    assert.match(errorsOf(() => parseFlags(['extra'])), /positional|Unexpected argument/i);
  });

  test('a file value a variable overrides is blamed on the variable, one from the file on the file', () => {
    const path = file('blame.yaml', 'server:\n  port: 99999\n');
    assert.match(errorsOf({ configFile: path }), /server\.port: expected a number <= 65535, got 99999 \(set by config file .*blame\.yaml\)/);
    assert.match(errorsOf({ configFile: path, env: { PUSHGATE_PORT: '-3' } }), /got -3 \(set by environment variable PUSHGATE_PORT\)/);
  });

  test('every problem is reported at once', () => {
    const lines = errorsOf({ config: { server: { port: -1, engine: 'x' }, log: { level: 'loud' } } as never }).split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.every((line) => line.startsWith('config error: ')));
  });
});

describe('semantic checks', () => {
  test('duplicate route paths', () => {
    assert.equal(
      errorsOf({ config: { routes: [{ path: '/ws', type: 'pubsub' }, { path: '/ws', type: 'echo' }] } }),
      'config error: routes.1.path: duplicate route path "/ws" (also routes.0.path)',
    );
  });

  test('a stream route needs :channel, other routes may not have one, no other parameters', () => {
    assert.match(errorsOf({ config: { routes: [{ path: '/news', type: 'stream' }] } }), /routes\.0\.path: a stream route needs a ":channel" segment/);
    assert.match(errorsOf({ config: { routes: [{ path: '/ws/:channel', type: 'pubsub' }] } }), /routes\.0\.path: only stream routes take a ":channel" segment/);
    assert.match(errorsOf({ config: { routes: [{ path: '/s/:topic', type: 'stream' }] } }), /routes\.0\.path: the only path parameter is a whole ":channel" segment/);
    assert.match(errorsOf({ config: { routes: [{ path: 'ws', type: 'echo' }] } }), /routes\.0\.path: expected a path starting with "\/"/);
    assert.match(errorsOf({ config: { routes: [{ path: '/a//b', type: 'echo' }] } }), /routes\.0\.path: a route path may not contain empty segments/);
  });

  test('namespace names with characters a channel prefix cannot have', () => {
    assert.match(
      errorsOf({ config: { channels: { namespaces: { 'news:eu': {}, 'ok-name': {} } } } }),
      /^config error: channels\.namespaces\.news:eu: a namespace name may use only letters, digits/,
    );
    assert.match(errorsOf({ config: { channels: { namespaces: { 'two words': {} } } } }), /channels\.namespaces\.two words:/);
  });

  test('the metrics path may not shadow the health, API or demo paths', () => {
    assert.match(errorsOf({ config: { metrics: { path: '/healthz' } } }), /metrics\.path: "\/healthz" is already served/);
    assert.match(errorsOf({ config: { metrics: { path: '/api/metrics' } } }), /metrics\.path: .* is already served/);
    assert.match(errorsOf({ config: { metrics: { path: 'metrics' } } }), /metrics\.path: expected a path starting with "\/", got "metrics"/);
  });

  test('an empty route list is refused', () => {
    assert.match(errorsOf({ config: { routes: [] } }), /routes: expected at least 1 entries/);
  });
});
