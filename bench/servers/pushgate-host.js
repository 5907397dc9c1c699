// pushgate embedded through createGateway() (dist/index.js), for `fanout --via
// inproc`: the gateway publishes in-process on the bench's command, through the same
// publish loop the baselines use. Flags: --host, --port, --engine, --log-level.
import { servePublishRequests } from './publish-loop.js';

const dist = new URL('../../dist/index.js', import.meta.url);

/** @param {string[]} argv */
function parse(argv) {
  /** @type {Record<string, string>} */
  const options = { host: '127.0.0.1', port: '0', engine: 'node', 'log-level': 'warn' };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i].replace(/^--/, '');
    if (!(flag in options) || argv[i + 1] === undefined) {
      process.stderr.write(`pushgate-host: unknown or incomplete flag ${argv[i]}\n`);
      process.exit(2);
    }
    options[flag] = argv[i + 1];
  }
  return options;
}

const options = parse(process.argv.slice(2));
let gateway;
try {
  const { createGateway } = await import(dist.href);
  gateway = await createGateway({
    config: {
      server: { host: options.host, port: Number(options.port), engine: options.engine },
      log: { level: options['log-level'] },
    },
  });
  await gateway.listen();
} catch (error) {
  process.stderr.write(`pushgate-host: ${/** @type {Error} */ (error).message}\n`);
  process.exit(3);
}

servePublishRequests((channel, payload) => gateway.publish(channel, payload));

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    const limit = setTimeout(() => process.exit(0), 3000);
    limit.unref();
    gateway.close().finally(() => process.exit(0));
  });
}
