import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestInfo } from '../../src/engines/types.js';
import { jsonReply } from '../../src/http/reply.js';
import { Router } from '../../src/http/router.js';

function req(method: string, path: string): RequestInfo {
  return { method, path, query: '', headers: {}, remoteAddress: '127.0.0.1' };
}

const router = new Router()
  .add(['POST'], '/api/publish', 'publish', () => jsonReply(200, {}))
  .add(['POST'], '/api/publish/:channel', 'publish_raw', () => jsonReply(200, {}))
  .add(['GET'], '/api/info', 'info', () => jsonReply(200, {}));

test('literal and parameter patterns match whole paths only', () => {
  const raw = router.resolve(req('POST', '/api/publish/news:eu'));
  assert.ok('route' in raw);
  assert.equal(raw.route.label, 'publish_raw');
  assert.deepEqual(raw.params, { channel: 'news:eu' });
  for (const path of ['/api/publish/', '/api/publish/a/b', '/api/publishx', '/api', '/api/info/']) {
    const miss = router.resolve(req('POST', path));
    assert.ok(!('route' in miss), path);
  }
});

test('unknown path → 404; known path, other method → 405 with Allow; HEAD rides on GET', () => {
  const notFound = router.resolve(req('GET', '/nowhere'));
  assert.ok('reply' in notFound);
  assert.equal(notFound.reply.status, 404);
  assert.equal(notFound.label, 'unknown');

  const wrong = router.resolve(req('PUT', '/api/info'));
  assert.ok('reply' in wrong);
  assert.equal(wrong.reply.status, 405);
  assert.equal(wrong.reply.headers?.allow, 'GET, HEAD');
  assert.equal(wrong.label, 'info');
  assert.equal(JSON.parse(String(wrong.reply.body)).error.code, 'method_not_allowed');

  const head = router.resolve(req('HEAD', '/api/info'));
  assert.ok('route' in head);
});
