// Channel names, namespaces and the glob patterns routes use to allow channels.
// Everything here is compiled once at start-up; the per-request work is a
// charset scan, one indexOf and a few regex tests.
import type { ChannelsConfig, NamespaceConfig } from '../control/config-types.js';
import { createError, type PushgateError } from '../protocol/errors.js';

/**
 * The characters a channel name may hold. Kept to what is safe unescaped in a URL
 * path segment, a Redis key and a log line, so the same name works on `stream`
 * routes (`/stream/news:eu`), in the HTTP API and in a future Redis broker.
 */
export const CHANNEL_CHARSET = 'A-Z a-z 0-9 _ - : . @ / =';
const CHANNEL_RE = /^[A-Za-z0-9_\-:.@/=]+$/;

/** Metric label of channels with no namespace prefix or an undeclared one. */
export const DEFAULT_NAMESPACE = 'default';

/** Why a name is not a valid channel, or null when it is. */
export function channelNameError(name: unknown, maxLength: number): PushgateError | null {
  if (typeof name !== 'string' || name.length === 0) return createError('PG_ERR_BAD_CHANNEL', 'must be a non-empty string');
  if (name.length > maxLength) return createError('PG_ERR_BAD_CHANNEL', `longer than ${maxLength} characters`);
  if (!CHANNEL_RE.test(name)) return createError('PG_ERR_BAD_CHANNEL', `allowed characters are ${CHANNEL_CHARSET}`);
  return null;
}

/** The namespace prefix of a channel: the text before its first `:` ('' when none). */
export function namespaceOf(channel: string): string {
  const colon = channel.indexOf(':');
  return colon <= 0 ? '' : channel.slice(0, colon);
}

export interface ResolvedNamespace {
  /** The metric label: the declared namespace's name, or DEFAULT_NAMESPACE. */
  readonly label: string;
  readonly options: NamespaceConfig;
}

/**
 * Resolves a channel to its namespace. Channels without a prefix, and channels
 * whose prefix is not a declared namespace, use `channels.defaults` (so
 * `user:42` works without declaring `user`); their metrics are labelled
 * `default`, which keeps label cardinality bounded by the config. `make` runs
 * once per namespace at start-up (to take metric children), never per channel.
 */
export function createNamespaceResolver<T>(
  config: ChannelsConfig,
  make: (namespace: ResolvedNamespace) => T,
): (channel: string) => T {
  const declared = new Map<string, T>();
  for (const [label, options] of Object.entries(config.namespaces)) declared.set(label, make({ label, options }));
  const fallback = make({ label: DEFAULT_NAMESPACE, options: config.defaults });
  return (channel) => {
    const colon = channel.indexOf(':');
    if (colon <= 0) return fallback;
    return declared.get(channel.slice(0, colon)) ?? fallback;
  };
}

/**
 * Compiles glob patterns (`*` matches any run of characters, including none and
 * including `:`; everything else is literal) into one matcher. An empty list
 * allows every channel: a route that lists no patterns restricts nothing.
 * Globs are matched with the two-pointer wildcard algorithm (O(pattern × name)
 * at worst) rather than a regex, so no pattern can backtrack exponentially.
 */
export function compileChannelPatterns(patterns: readonly string[]): (channel: string) => boolean {
  if (patterns.length === 0 || patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.includes('*')));
  const globs = patterns.filter((p) => p.includes('*'));
  if (globs.length === 0) return (channel) => exact.has(channel);
  return (channel) => {
    if (exact.has(channel)) return true;
    for (const glob of globs) if (globMatch(glob, channel)) return true;
    return false;
  };
}

export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1; // pattern index just after the last `*` seen
  let resume = 0; // text index that star is currently absorbing up to
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = ++p;
      resume = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
