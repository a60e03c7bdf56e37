import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configVariables, isCliCommand, startTargets } from './support/deploy-config.js';

/** A rendered Kubernetes object, as far as these checks read it. */
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- each kind reads its own fields
}

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean };
  startupProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
}

/** Where a NetworkPolicy lets traffic in from: pods with these labels. */
interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { values: string[] }[] };
}

const overlays = ['dev', 'production'];
const scaled = ['gateway', 'catalog', 'orders', 'payments', 'notifications'];

const kubectl = process.env.KUBECTL ?? 'kubectl';
// `.ci/run` installs kubectl, so CI always renders; a laptop without it skips these checks alone.
const canRender =
  Boolean(process.env.CI) || spawnSync(kubectl, ['version', '--client'], { stdio: 'ignore' }).status === 0;

/** `kubectl kustomize` of an overlay: offline, no cluster. KUBECTL names another binary. */
function render(overlay: string): K8sObject[] {
  const out = execFileSync(kubectl, ['kustomize', `deploy/kubernetes/overlays/${overlay}`], { encoding: 'utf8' });
  return parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject);
}

const require = createRequire(import.meta.url);

/** The kubernetes-models class of an object's apiVersion and kind (`apps/v1` `Deployment`). */
function modelOf(object: K8sObject): new (data: unknown) => { validate(): void } {
  const module = require(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<
    string,
    new (data: unknown) => { validate(): void }
  >;
  const model = module[object.kind];
  if (!model) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  return model;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe.skipIf(!canRender).each(overlays)('the Kubernetes overlay %s', (overlay) => {
  const objects = render(overlay);
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.name === name);
  const deployments = ofKind('Deployment');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a pod spec is read field by field
  const podsOf = (o: K8sObject): { labels: Record<string, string>; spec: any } =>
    o.spec.template.metadata && { labels: o.spec.template.metadata.labels, spec: o.spec.template.spec };
  const workloads = [...deployments, ...ofKind('Job')];
  const emporiumImage = named('Deployment', 'gateway')?.spec.template.spec.containers[0].image as string;
  const emporiumContainers = workloads.flatMap((w) =>
    (podsOf(w).spec.containers as Container[])
      .filter((c) => c.image === emporiumImage)
      .map((c) => ({ workload: w, container: c })),
  );

  it('validates every object against the Kubernetes schemas', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      const Model = modelOf(object);
      expect(() => new Model(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('runs every service and the gateway from the one image, with a command the CLI knows', () => {
    for (const target of startTargets) {
      const deployment = named('Deployment', target);
      expect(deployment, target).toBeDefined();
      expect(deployment?.spec.template.spec.containers[0].args).toEqual(['start', target]);
    }
    expect(emporiumContainers.length).toBe(startTargets.length + 1);
    for (const { workload, container } of emporiumContainers)
      expect(isCliCommand(container.args ?? []), workload.metadata.name).toBe(true);
    expect(named('Job', 'emporium-migrate')?.spec.template.spec.containers[0].args).toEqual(['migrate']);
  });

  it('gives every Deployment probes, requests and limits, and runs it unprivileged', () => {
    for (const deployment of deployments) {
      const pod = podsOf(deployment).spec;
      for (const container of pod.containers as Container[]) {
        const where = `${deployment.metadata.name}/${container.name}`;
        expect(container.startupProbe, where).toBeDefined();
        expect(container.livenessProbe, where).toBeDefined();
        expect(container.readinessProbe, where).toBeDefined();
        expect(Object.keys(container.resources?.requests ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory']);
        expect(container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, where).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
      }
    }
  });

  it("probes Emporium's health routes, drains within the grace period and keeps the root file system read-only", () => {
    const config = named('ConfigMap', 'emporium-config')?.data ?? {};
    expect(config.MIGRATE_ON_START).toBe('false');
    const timeoutMs = Number(config.SHUTDOWN_TIMEOUT_MS);
    expect(Number(config.SHUTDOWN_DRAIN_DELAY_MS)).toBeGreaterThan(0);
    expect(Number(config.SHUTDOWN_DRAIN_DELAY_MS)).toBeLessThan(timeoutMs);
    for (const { workload, container } of emporiumContainers.filter(({ workload }) => workload.kind === 'Deployment')) {
      const where = workload.metadata.name;
      expect(container.startupProbe?.httpGet?.path, where).toBe('/health/live');
      expect(container.livenessProbe?.httpGet?.path, where).toBe('/health/live');
      expect(container.readinessProbe?.httpGet?.path, where).toBe('/health/ready');
      expect(podsOf(workload).spec.terminationGracePeriodSeconds * 1000, where).toBeGreaterThan(timeoutMs);
      expect(podsOf(workload).spec.topologySpreadConstraints?.length, where).toBeGreaterThan(0);
    }
    for (const { workload, container } of emporiumContainers)
      expect(container.securityContext?.readOnlyRootFilesystem, workload.metadata.name).toBe(true);
  });

  it('sets only variables that the config schema declares', () => {
    for (const { workload, container } of emporiumContainers) {
      const names = [
        ...(container.env ?? []).map((e) => e.name),
        ...(container.envFrom ?? []).flatMap((source) => {
          const from = source.configMapRef
            ? named('ConfigMap', source.configMapRef.name)
            : named('Secret', source.secretRef?.name ?? '');
          expect(from, `${workload.metadata.name}: ${JSON.stringify(source)}`).toBeDefined();
          return Object.keys({ ...from?.data, ...from?.stringData });
        }),
      ];
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(configVariables.has(name), `${workload.metadata.name} sets ${name}`).toBe(true);
    }
  });

  it('autoscales the gateway, catalog, orders and the background workers, and leaves them their replicas', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual([...scaled].sort());
    for (const hpa of hpas) {
      const target = named(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target?.kind, hpa.metadata.name).toBe('Deployment');
      expect(target?.spec.replicas, `${hpa.metadata.name} has its replicas set by the autoscaler`).toBeUndefined();
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      expect(hpa.spec.metrics.some((m: { resource?: { name: string } }) => m.resource?.name === 'cpu')).toBe(true);
    }
  });

  it('selects pods with every Service, PodDisruptionBudget and NetworkPolicy, on ports the pods name', () => {
    for (const service of ofKind('Service')) {
      const pods = deployments.map(podsOf).filter((p) => matches(service.spec.selector, p.labels));
      expect(pods.length, `Service ${service.metadata.name}`).toBe(1);
      const ports = (pods[0]?.spec.containers as Container[]).flatMap((c) => c.ports ?? []).map((p) => p.name);
      for (const port of service.spec.ports)
        expect(ports, `Service ${service.metadata.name}`).toContain(port.targetPort);
    }
    for (const pdb of ofKind('PodDisruptionBudget')) {
      expect(
        deployments.filter((d) => matches(pdb.spec.selector.matchLabels, podsOf(d).labels)).length,
        `PDB ${pdb.metadata.name}`,
      ).toBe(1);
    }
    expect(ofKind('PodDisruptionBudget').length).toBe(startTargets.length);
    for (const policy of ofKind('NetworkPolicy')) {
      const selector = policy.spec.podSelector;
      const selected = deployments
        .map(podsOf)
        .filter(
          (p) =>
            matches(selector.matchLabels ?? {}, p.labels) &&
            (selector.matchExpressions ?? []).every((e: { key: string; values: string[] }) =>
              e.values.includes(p.labels[e.key] ?? ''),
            ),
        );
      expect(selected.length, `NetworkPolicy ${policy.metadata.name}`).toBeGreaterThan(0);
    }
  });

  it('lets only the gateway be reached from outside, and only the callers of internal routes reach them', () => {
    const ingress = ofKind('Ingress');
    expect(ingress.length).toBe(1);
    const backends = ingress[0]?.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name)); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(new Set(backends)).toEqual(new Set(['gateway']));
    expect(named('NetworkPolicy', 'default-deny-ingress')?.spec.podSelector).toEqual({});
    const allowedFrom = (component: string) =>
      ofKind('NetworkPolicy')
        .filter(
          (p) =>
            p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === component ||
            p.spec.podSelector.matchExpressions?.[0]?.values.includes(component),
        )
        .flatMap((p) =>
          p.spec.ingress.flatMap((rule: { from: PolicyPeer[] }) =>
            rule.from.flatMap(
              (peer) =>
                peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] ??
                peer.podSelector?.matchExpressions?.[0]?.values ??
                [],
            ),
          ),
        );
    expect(new Set(allowedFrom('catalog'))).toEqual(new Set(['gateway', 'cart', 'orders']));
    expect(new Set(allowedFrom('cart'))).toEqual(new Set(['gateway', 'orders']));
    for (const service of ['identity', 'orders', 'payments', 'notifications'])
      expect(allowedFrom(service), service).toEqual(['gateway']);
  });
});
