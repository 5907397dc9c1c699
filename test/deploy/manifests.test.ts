// The Kubernetes manifests and the Grafana dashboard, checked for what an
// operator relies on: the probes hit the real endpoints, the grace period
// outlasts the drain, the shipped config is valid, the ports line up, and every
// metric the dashboard queries exists (and its PromQL parses, via promtool).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/control/config/index.js';
import type { GatewayConfig } from '../../src/control/config-types.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { metricNamesIn, registeredMetrics } from '../metrics/names.js';

const dir = mkdtempSync(join(tmpdir(), 'pushgate-deploy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: any }; [key: string]: any };

function manifests(): { file: string; doc: Manifest }[] {
  const out: { file: string; doc: Manifest }[] = [];
  for (const file of readdirSync('k8s').filter((name) => /\.ya?ml$/.test(name))) {
    for (const parsed of parseAllDocuments(readFileSync(join('k8s', file), 'utf8'))) {
      assert.deepEqual(parsed.errors, [], `${file}: YAML errors`);
      const doc = parsed.toJS() as Manifest | null;
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

const all = manifests();
function one(kind: string): Manifest {
  const found = all.filter((m) => m.doc.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}`);
  return found[0].doc;
}

/** The config file shipped in the ConfigMap, resolved as the pod would resolve it. */
function shippedConfig(): GatewayConfig {
  const configMap = one('ConfigMap');
  const path = join(dir, 'pushgate.yaml');
  writeFileSync(path, configMap.data['pushgate.yaml']);
  return loadConfig({ configFile: path }).config;
}

function duration(seconds: string | number): number {
  return Number(seconds);
}

describe('k8s/', () => {
  const deployment = one('Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const portsByName = new Map<string, number>(container.ports.map((p: any) => [p.name, p.containerPort]));

  test('every manifest is namespace-agnostic and labelled', () => {
    assert.ok(all.length >= 7);
    for (const { file, doc } of all) {
      assert.equal(doc.metadata?.namespace, undefined, `${file}: ${doc.kind} pins a namespace`);
      if (doc.kind !== 'Kustomization') assert.equal(doc.metadata.labels?.['app.kubernetes.io/name'], 'pushgate', `${file}: ${doc.kind} label`);
    }
  });

  test('the ConfigMap holds a config that passes validation, with the ports the Deployment exposes', () => {
    const config = shippedConfig();
    assert.equal(portsByName.get('http'), config.server.port);
    assert.notEqual(config.metrics.port, 0, 'metrics on their own port, off the ingress');
    assert.equal(portsByName.get('metrics'), config.metrics.port);
    assert.equal(deployment.spec.template.metadata.annotations['prometheus.io/port'], String(config.metrics.port));
    assert.equal(deployment.spec.template.metadata.annotations['prometheus.io/path'], config.metrics.path);
    assert.deepEqual(container.args, ['--config', `/etc/pushgate/pushgate.yaml`]);
    const mount = container.volumeMounts.find((m: any) => m.mountPath === '/etc/pushgate');
    assert.equal(pod.volumes.find((v: any) => v.name === mount.name).configMap.name, one('ConfigMap').metadata.name);
  });

  test('the CLI accepts the shipped config too (--check-config)', () => {
    shippedConfig();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('PUSHGATE_')) env[key] = value;
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--check-config', '--config', join(dir, 'pushgate.yaml')], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /config ok/);
  });

  test('probes: readiness on /readyz, liveness on /healthz, both on the gateway port', () => {
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      const port = probe.httpGet.port;
      assert.equal(typeof port === 'string' ? portsByName.get(port) : port, shippedConfig().server.port);
    }
  });

  test('the grace period outlasts the preStop sleep plus the drain timeout', () => {
    const config = shippedConfig();
    const command: string[] = container.lifecycle.preStop.exec.command;
    const sleepMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(command.join(' '))?.[1]);
    assert.ok(sleepMs > 0, 'preStop sleeps');
    const grace = duration(pod.terminationGracePeriodSeconds) * 1000;
    assert.ok(grace > sleepMs + config.drain.timeout, `grace ${grace} ms ≤ preStop ${sleepMs} ms + drain ${config.drain.timeout} ms`);
    assert.ok(config.drain.closeDelayMax > 0, 'closes are spread');
  });

  test('runs as non-root on a read-only filesystem with no capabilities, with resources set', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
    assert.ok(container.resources.requests.cpu, 'a CPU request (the HPA scales on it)');
    assert.ok(container.resources.limits.memory);
  });

  test('Service, PDB, HPA, Ingress and ServiceMonitor point at the Deployment and its ports', () => {
    const labels = deployment.spec.template.metadata.labels;
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    const service = one('Service');
    assert.ok(matches(service.spec.selector));
    for (const port of service.spec.ports) assert.ok(portsByName.has(port.targetPort), `service port ${port.name} → unknown ${port.targetPort}`);
    assert.ok(matches(one('PodDisruptionBudget').spec.selector.matchLabels));
    const hpa = one('HorizontalPodAutoscaler');
    assert.deepEqual([hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name], ['Deployment', deployment.metadata.name]);
    assert.equal(hpa.spec.metrics[0].resource.name, 'cpu');
    const ingress = one('Ingress');
    const servicePorts = new Set(service.spec.ports.map((p: any) => p.name));
    for (const rule of ingress.spec.rules) {
      for (const path of rule.http.paths) {
        assert.equal(path.backend.service.name, service.metadata.name);
        assert.ok(servicePorts.has(path.backend.service.port.name));
        assert.notEqual(path.backend.service.port.name, 'metrics', 'metrics are not exposed through the ingress');
      }
    }
    // WebSockets through nginx: the read timeout must outlast the ping interval, or idle clients are cut.
    const readTimeout = Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']) * 1000;
    for (const route of shippedConfig().routes) assert.ok(readTimeout > route.pingInterval, `${route.path}: proxy-read-timeout ≤ pingInterval`);
    const monitor = one('ServiceMonitor');
    assert.ok(servicePorts.has(monitor.spec.endpoints[0].port));
  });

  test('kustomization.yaml lists every manifest except the optional ServiceMonitor', () => {
    const kustomization = one('Kustomization');
    const files = [...new Set(all.filter((m) => m.doc.kind !== 'Kustomization').map((m) => m.file))].sort();
    assert.deepEqual([...kustomization.resources].sort(), files.filter((f) => f !== 'servicemonitor.yaml'));
  });
});

describe('dashboards/pushgate.json', () => {
  const dashboard = JSON.parse(readFileSync('dashboards/pushgate.json', 'utf8'));
  const exprs: string[] = dashboard.panels.flatMap((panel: any) => (panel.targets ?? []).map((t: any) => t.expr));

  test('every metric its PromQL references exists in createMetrics()', async () => {
    const registered = await registeredMetrics(createMetrics());
    const { found, missing } = metricNamesIn(exprs.join('\n'), registered);
    assert.deepEqual(missing, []);
    for (const name of [
      'pushgate_connections',
      'pushgate_handshakes_total',
      'pushgate_messages_received_total',
      'pushgate_messages_sent_total',
      'pushgate_publications_total',
      'pushgate_deliveries_total',
      'pushgate_fanout_duration_seconds',
      'pushgate_slow_consumer_disconnects_total',
      'pushgate_dropped_messages_total',
      'pushgate_close_codes_sent_total',
      'pushgate_close_codes_received_total',
      'pushgate_subscriptions',
      'pushgate_history_publications',
      'pushgate_native_backend_info',
      'pushgate_process_cpu_seconds_total',
      'pushgate_process_resident_memory_bytes',
      'pushgate_nodejs_eventloop_lag_p99_seconds',
    ]) {
      assert.ok(found.has(name), `no panel shows ${name}`);
    }
  });

  test('panels have unique ids and every query uses the datasource variable', () => {
    const ids = dashboard.panels.map((p: any) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const panel of dashboard.panels.filter((p: any) => p.type !== 'row')) {
      assert.equal(panel.datasource.uid, '${datasource}', panel.title);
      assert.ok(panel.targets.length > 0, panel.title);
    }
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  test('every query parses as PromQL (promtool check rules)', { skip: promtool.status === 0 ? false : 'promtool not installed (scripts/test-setup.sh installs it)' }, () => {
    // Grafana's variables replaced by what they expand to at query time.
    const rules = exprs.map((expr, i) => ({ record: `pushgate:dashboard_query_${i}`, expr: expr.replaceAll('$__rate_interval', '1m').replaceAll('$instance', '.*') }));
    const path = join(dir, 'dashboard-rules.json');
    writeFileSync(path, JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const result = spawnSync('promtool', ['check', 'rules', path], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, new RegExp(`${rules.length} rules found`));
  });
});
