// Flags shared by the baseline servers: --host, --port, --jwt-secret.

/** @param {string[]} argv */
export function parseServerArgs(argv) {
  const options = { host: '127.0.0.1', port: 0, jwtSecret: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--host' && value) options.host = value;
    else if (flag === '--port' && value) options.port = Number(value);
    else if (flag === '--jwt-secret' && value) options.jwtSecret = value;
    else continue;
    i++;
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new Error(`bad --port ${options.port}`);
  }
  return options;
}

/** Largest body POST /api/publish accepts: the same order of size as pushgate's default. */
export const MAX_BODY = 1024 * 1024;
/** Largest message a baseline accepts from a client. */
export const MAX_PAYLOAD = 16 * 1024 * 1024;

/**
 * The channel of a `/stream/<channel>` or `/api/publish/<channel>` path, or null.
 * @param {string} path without query
 * @param {string} prefix '/stream/' or '/api/publish/'
 */
export function channelOf(path, prefix) {
  if (!path.startsWith(prefix)) return null;
  const raw = path.slice(prefix.length);
  if (raw.length === 0 || raw.includes('/')) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
