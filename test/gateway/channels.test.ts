import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelNameError,
  compileChannelPatterns,
  createNamespaceResolver,
  DEFAULT_NAMESPACE,
  globMatch,
  namespaceOf,
} from '../../src/gateway/channels.js';
import { namespace } from './helpers/config.js';

describe('channel names', () => {
  it('accepts the documented charset up to maxLength', () => {
    for (const name of ['news', 'news:eu', 'user@42', 'a/b/c', 'x=1', 'A-Z_0.9', 'a'.repeat(16)]) {
      assert.equal(channelNameError(name, 16), null, name);
    }
  });

  it('rejects empty, too long, non-string and out-of-charset names with bad_channel', () => {
    const bad: unknown[] = ['', 'a'.repeat(17), 'sp ace', 'tab\t', 'é', 'a*b', 'a#b', 'a?b', 'a%20', '😀', 42, null, undefined, {}];
    for (const name of bad) {
      const error = channelNameError(name, 16);
      assert.ok(error, `expected ${JSON.stringify(name)} to be rejected`);
      assert.equal(error.code, 'bad_channel');
      assert.equal(error.closeCode, null);
      assert.equal(error.httpStatus, 400);
    }
  });
});

describe('namespaces', () => {
  it('is the text before the first colon', () => {
    assert.equal(namespaceOf('news:eu:fr'), 'news');
    assert.equal(namespaceOf('news'), '');
    assert.equal(namespaceOf(':odd'), '');
  });

  it('resolves declared namespaces, and defaults for no prefix or an undeclared one', () => {
    const news = namespace({ historySize: 7 });
    const defaults = namespace({ historySize: 3 });
    let made = 0;
    const resolve = createNamespaceResolver({ maxLength: 64, defaults, namespaces: { news } }, (ns) => {
      made++;
      return ns;
    });
    assert.equal(made, 2, 'one object per namespace, made up front');
    assert.equal(resolve('news:eu').options, news);
    assert.equal(resolve('news:eu').label, 'news');
    assert.equal(resolve('plain').options, defaults);
    assert.equal(resolve('plain').label, DEFAULT_NAMESPACE);
    assert.equal(resolve('user:42').options, defaults);
    assert.equal(resolve('user:42').label, DEFAULT_NAMESPACE);
    assert.equal(resolve('newsroom').options, defaults, 'a prefix is only a prefix up to a colon');
    assert.equal(made, 2);
  });
});

describe('channel patterns', () => {
  it('empty list and "*" allow everything', () => {
    assert.equal(compileChannelPatterns([])('anything:at/all'), true);
    assert.equal(compileChannelPatterns(['x', '*'])('y'), true);
  });

  it('matches exact names and globs, nothing else', () => {
    const allows = compileChannelPatterns(['public', 'news:*', 'user:*:inbox', '*.log']);
    for (const yes of ['public', 'news:', 'news:eu', 'news:eu:fr', 'user:42:inbox', 'user::inbox', 'app.log', '.log']) {
      assert.equal(allows(yes), true, yes);
    }
    for (const no of ['publicx', 'xpublic', 'news', 'new:eu', 'user:42:outbox', 'user:42:inboxx', 'app.logs', 'applog']) {
      assert.equal(allows(no), false, no);
    }
  });

  it('treats regex metacharacters in patterns literally', () => {
    const allows = compileChannelPatterns(['a.b', 'c+*']);
    assert.equal(allows('a.b'), true);
    assert.equal(allows('axb'), false);
    assert.equal(allows('c+d'), true);
    assert.equal(allows('ccd'), false);
  });

  it('stays fast on patterns that would backtrack badly as regexes (bounded work, correct answer)', () => {
    const name = 'a'.repeat(5000);
    assert.equal(globMatch('*a*a*a*a*a*a*a*b', name), false);
    assert.equal(globMatch('*a*a*a*a*a*a*a*a', name), true);
  });
});
