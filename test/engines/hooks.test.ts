// The hook contract both engines share where the gateway's bookkeeping depends on
// it: an accepted upgrade the engine cannot honour is reported through `abandon`
// (with the decision's context, once), never through open/close, so whatever the
// upgrade checks took for it (a connection-limit slot) is given back at once; and
// a closed connection says whether this server started the close, with which code
// (the close-code metrics count sent and received closes from it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection, Engine, EngineFactory, EngineHooks } from '../../src/engines/types.js';
import { DEFAULTS } from '../../src/protocol/constants.js';
import { closePayload, handshakeRequest, RawClient } from '../helpers/raw-client.js';
import { waitFor } from '../helpers/wait.js';
import { ENGINE_NAMES, engineUnavailableReason, type EngineUnderTest } from '../helpers/engines.js';

async function factory(engine: EngineUnderTest): Promise<EngineFactory> {
  return engine === 'uws' ? (await import('../../src/engines/uws/index.js')).createUwsEngine : (await import('../../src/engines/node/index.js')).createNodeEngine;
}

const OPTIONS = { maxMessageSize: 1024, compression: false, maxBufferedAmount: 1 << 20, slowConsumer: 'close' as const, pingInterval: 0, pongTimeout: 0 };
/** A client that never answers pings is closed by the keepalive. */
const KEEPALIVE = { ...OPTIONS, pingInterval: 20, pongTimeout: 20 };

for (const engine of ENGINE_NAMES) {
  describe(`engine hooks on ${engine}`, { skip: engineUnavailableReason(engine) ?? false }, () => {
    let server: Engine<{ name: string }>;
    let port: number;
    const calls: string[] = [];
    const opened = new Map<string, Connection<{ name: string }>>();

    before(async () => {
      const hooks: EngineHooks<{ name: string }> = {
        // The client offers `chat`; a decision naming `other` cannot be honoured.
        upgrade: (request) => ({
          accept: true,
          protocol: request.path === '/mismatch' ? 'other' : 'chat',
          options: request.path === '/keepalive' ? KEEPALIVE : OPTIONS,
          context: { name: request.path },
        }),
        abandon: (context) => calls.push(`abandon ${context.name}`),
        open: (conn) => {
          opened.set(conn.context.name, conn);
          calls.push(`open ${conn.context.name}`);
        },
        message: () => {},
        drain: () => {},
        close: (conn) => calls.push(`close ${conn.context.name} sent=${conn.closeCodeSent}`),
        http: () => ({ status: 404 }),
      };
      server = (await factory(engine))(hooks, { maxHeaderSize: 16384, handshakeTimeout: 5000, closeTimeout: 1000, maxMessageSize: DEFAULTS.maxMessageSize });
      ({ port } = await server.listen(0, '127.0.0.1'));
    });
    after(() => server.close());

    it('reports an accepted decision it cannot honour (subprotocol not offered) through abandon, once, and answers 500', async () => {
      const response = await RawClient.request(port, handshakeRequest({ path: '/mismatch', headers: { 'Sec-WebSocket-Protocol': 'chat' } }));
      assert.equal(response.status, 500);
      assert.match(response.body, /subprotocol not offered by the client/);
      assert.deepEqual(calls, ['abandon /mismatch']);
    });

    it('does not call abandon for a decision that opened', async () => {
      calls.length = 0;
      const client = await RawClient.connect(port, { path: '/ok', headers: { 'Sec-WebSocket-Protocol': 'chat' } });
      assert.equal(client.response?.status, 101);
      assert.deepEqual(calls, ['open /ok']);
      client.destroy();
    });

    it('reports the code of a close it started (close(), keepalive) and none for a close the peer started', async () => {
      const connect = (path: string) => RawClient.connect(port, { path, headers: { 'Sec-WebSocket-Protocol': 'chat' } });
      calls.length = 0;
      const closed = await connect('/closed');
      assert.equal(opened.get('/closed')!.closeCodeSent, null, 'nothing sent while open');
      opened.get('/closed')!.close(4001, 'bye');
      const peer = await connect('/peer');
      peer.sendFrame({ opcode: 8, payload: closePayload(1000, 'leaving') });
      const silent = await connect('/keepalive');
      const closes = () => calls.filter((call) => /^close \/(closed|peer|keepalive) /.test(call));
      await waitFor(() => closes().length === 3);
      assert.deepEqual(
        closes().sort(),
        ['close /closed sent=4001', 'close /keepalive sent=1001', 'close /peer sent=null'],
      );
      for (const client of [closed, peer, silent]) client.destroy();
    });
  });
}
