/**
 * deploy/kubernetes/ against the Kubernetes API schemas (the `kubernetes-models` package validates
 * each object as the API server's OpenAPI schema would), plus what the deployment promises on top:
 * probes on /healthz, non-root, read-only root filesystem, no service-account token, resources, a
 * grace period longer than the drain, and settings the server actually reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { serverConfigSchema } from '../../mcp-server/config.js';

const DIR = new URL('../../deploy/kubernetes/', import.meta.url).pathname;

/** The API objects a manifest may hold, by apiVersion/kind; anything else fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function load(): Manifest[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
        return { file, ...(doc.toJS() as Omit<Manifest, 'file'>) };
      }),
    );
}

function validate(manifest: Manifest): void {
  const { file, ...object } = manifest;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`${file}: unexpected ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}

describe('deploy/kubernetes', () => {
  const manifests = load();
  const one = (kind: string, name = 'warden-mcp') => manifests.find((m) => m.kind === kind && m.metadata.name === name) as Manifest;

  it('every object validates against its Kubernetes API schema, and kustomization lists every file', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service', 'Service']);
    for (const manifest of manifests) expect(() => validate(manifest), manifest.file).not.toThrow();
    const kustomization = readFileSync(join(DIR, 'kustomization.yaml'), 'utf8');
    for (const file of new Set(manifests.map((m) => m.file))) expect(kustomization).toContain(`- ${file}`);
  });

  it('the validation catches a broken object (a port that is not a number)', () => {
    const deployment = structuredClone(one('Deployment'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eight thousand';
    expect(() => validate(deployment)).toThrow(/containerPort must be integer/);
  });

  it('the Deployment: probes on /healthz, non-root, read-only root, no service-account token, resources, a grace period past the drain', () => {
    const pod = one('Deployment').spec.template.spec;
    const [container] = pod.containers;
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(container[probe].httpGet, probe).toEqual({ path: '/healthz', port: 'mcp' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);

    const settings = one('ConfigMap').data as Record<string, string>;
    const drainSeconds = (Number(settings.MCP_DRAIN_DELAY_MS) + Number(settings.MCP_DRAIN_TIMEOUT_MS)) / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
    // Liveness must not kill a pod that is draining (its /healthz answers 503 then).
    expect(container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold).toBeGreaterThan(drainSeconds);
    expect(container.ports).toEqual([
      { name: 'mcp', containerPort: Number(settings.MCP_PORT) },
      { name: 'metrics', containerPort: Number(settings.METRICS_PORT) },
    ]);
    expect(container.envFrom.map((e: Record<string, { name: string }>) => Object.values(e)[0]?.name)).toEqual(['warden-mcp', 'warden-mcp']);
  });

  it('the ConfigMap names only variables the server reads, and notes when sticky sessions are needed', () => {
    const known = Object.keys(serverConfigSchema.shape);
    const settings = Object.keys(one('ConfigMap').data ?? {});
    expect(settings.filter((name) => !known.includes(name))).toEqual([]);
    expect(settings).toContain('MCP_LEGACY_SESSIONS');
    expect(readFileSync(join(DIR, 'configmap.yaml'), 'utf8')).toMatch(/sticky[\s\S]*MCP_LEGACY_SESSIONS: "false"/);
    expect(Object.keys(one('Secret').stringData ?? {}).every((name) => name.startsWith('OTEL_'))).toBe(true);
  });

  it('MCP and metrics are separate Services; the HPA scales the Deployment and the PDB keeps all but one pod', () => {
    const mcp = one('Service');
    const metrics = one('Service', 'warden-mcp-metrics');
    expect(mcp.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual(['mcp']);
    expect(mcp.spec.sessionAffinity).toBeUndefined();
    expect(metrics.spec.ports.map((p: { targetPort: string }) => p.targetPort)).toEqual(['metrics']);
    const deployment = one('Deployment');
    for (const selector of [mcp.spec.selector, metrics.spec.selector, one('PodDisruptionBudget').spec.selector.matchLabels]) {
      expect(selector).toEqual(deployment.spec.template.metadata.labels);
    }
    expect(one('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'warden-mcp' });
    expect(one('HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(one('PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });
});
