// No Kubernetes cluster runs here, so docker/k8s/ is checked statically: every object against the
// Kubernetes OpenAPI schemas (kubernetes-models), then the properties the fleet relies on — probes
// on the real health routes, a non-root read-only container, selectors that meet, a shutdown that
// fits the grace period, settings that the service itself accepts, egress limited to what it needs.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { Deployment as DeploymentModel } from 'kubernetes-models/apps/v1/Deployment'
import { HorizontalPodAutoscaler as HpaModel } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { Ingress as IngressModel } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { NetworkPolicy as NetworkPolicyModel } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { PodDisruptionBudget as PdbModel } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap as ConfigMapModel } from 'kubernetes-models/v1/ConfigMap'
import { Namespace as NamespaceModel } from 'kubernetes-models/v1/Namespace'
import { Secret as SecretModel } from 'kubernetes-models/v1/Secret'
import { Service as ServiceModel } from 'kubernetes-models/v1/Service'
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { ISecret } from 'kubernetes-models/v1/Secret'
import type { IService } from 'kubernetes-models/v1/Service'
import { ENV_VARIABLES, loadConfig } from '../../src/config.js'

const dir = join(import.meta.dirname, '../../docker/k8s')
const NAMESPACE = 'cat-cds'

/** The schema-checked model for each kind we ship. */
const MODELS: Record<string, new (data: never) => { validate (): void }> = {
  'v1/Namespace': NamespaceModel,
  'v1/ConfigMap': ConfigMapModel,
  'v1/Secret': SecretModel,
  'v1/Service': ServiceModel,
  'apps/v1/Deployment': DeploymentModel,
  'autoscaling/v2/HorizontalPodAutoscaler': HpaModel,
  'policy/v1/PodDisruptionBudget': PdbModel,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicyModel,
  'networking.k8s.io/v1/Ingress': IngressModel
}

interface K8sObject { apiVersion: string, kind: string, metadata: { name: string, namespace?: string }, file: string }

interface Kustomization {
  namespace: string
  resources: string[]
  configMapGenerator: Array<{ name: string, envs?: string[], files?: string[] }>
  images: Array<{ name: string, newTag: string }>
}
const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization

const manifestFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()
const objects: K8sObject[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => ({ ...(d.toJS() as Omit<K8sObject, 'file'>), file })))

/** kustomize's `envs:` format: KEY=VALUE lines, `#` comments. */
function envFile (file: string): Record<string, string> {
  return Object.fromEntries(readFileSync(join(dir, file), 'utf8').split('\n')
    .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
}
/** The ConfigMaps the kustomization generates, as kustomize would (names without the hash suffix). */
const generated: K8sObject[] = kustomization.configMapGenerator.map((g) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: g.name, namespace: kustomization.namespace },
  data: {
    ...Object.assign({}, ...(g.envs ?? []).map(envFile)),
    ...Object.fromEntries((g.files ?? []).map((f) => [f, readFileSync(join(dir, f), 'utf8')]))
  },
  file: 'kustomization.yaml'
}) as K8sObject)
/** What `kubectl apply -k` applies: the listed resources and the generated ConfigMaps. */
const applied = [...objects.filter((o) => kustomization.resources.includes(o.file)), ...generated]

function one<T> (kind: string, name?: string, from: K8sObject[] = applied): T {
  const found = from.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name))
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1)
  return found[0] as T
}

const deployment = one<IDeployment>('Deployment', 'cat-cds')
const pod = deployment.spec?.template.spec
const container = pod?.containers[0]
const podLabels = deployment.spec?.template.metadata?.labels ?? {}
const config = one<IConfigMap>('ConfigMap', 'cat-cds-config').data ?? {}
/** The example Secret (not applied: the real one is created out of band). */
const secretExample = one<ISecret>('Secret', 'cat-cds-secrets', objects)
/** The example's placeholders replaced by values a deployer would generate. */
const realSecrets = Object.fromEntries(Object.entries(secretExample.stringData ?? {}).map(([k, v]) => [k, v.replaceAll(/REPLACE_ME[\w-]*/g, '3f9c2b7e8d1a4c6f0b5e9d2a7c4f1e8b')]))

/** A label selector picks these pods when each of its labels is on them (and it has at least one). */
function selectsPods (selector: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {})
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v)
}

describe('docker/k8s manifests', () => {
  it('are listed in the kustomization, all of them except the example Secret, which applying must never overwrite', () => {
    expect([...kustomization.resources].sort()).toEqual(manifestFiles.filter((f) => !f.endsWith('.example.yaml')))
    expect(kustomization.resources).not.toContain('secret.example.yaml')
    expect(applied.some((o) => o.kind === 'Secret')).toBe(false)
    expect(kustomization.namespace).toBe(NAMESPACE)
  })

  it('tag the image with the package version, and roll the pods when the configuration changes', () => {
    const version = (JSON.parse(readFileSync(join(dir, '../../package.json'), 'utf8')) as { version: string }).version
    const image = container?.image ?? ''
    expect(kustomization.images).toEqual([{ name: image, newTag: version }])
    // Generated ConfigMaps get a content hash in their name; the Deployment refers to them by their
    // generator names, which kustomize rewrites: so a changed value is a new pod template.
    const referenced = [...(container?.envFrom ?? []).map((s) => s.configMapRef?.name), ...(pod?.volumes ?? []).map((v) => v.configMap?.name)].filter((n) => n !== undefined)
    expect(referenced.sort()).toEqual(kustomization.configMapGenerator.map((g) => g.name).sort())
    expect(objects.some((o) => o.kind === 'ConfigMap')).toBe(false)
  })

  it('validate against the Kubernetes schemas, and the validator does catch a broken object', () => {
    expect(new Set([...objects, ...generated].map((o) => `${o.apiVersion}/${o.kind}`))).toEqual(new Set(Object.keys(MODELS)))
    for (const { file, ...object } of [...objects, ...generated]) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`]
      expect(Model, `${file}: ${object.apiVersion} ${object.kind}`).toBeDefined()
      expect(() => { new (Model as NonNullable<typeof Model>)(object as never).validate() }, `${file}: ${object.kind} ${object.metadata.name}`).not.toThrow()
    }
    const broken = structuredClone(deployment) as unknown as { spec: { template: { spec: { containers: Array<{ ports: Array<{ containerPort: unknown }> }> } } } }
    const port = broken.spec.template.spec.containers[0]?.ports[0]
    if (port !== undefined) port.containerPort = 'three thousand'
    expect(() => { new DeploymentModel(broken as never).validate() }).toThrow(/containerPort/)
  })

  it('live in one namespace', () => {
    for (const o of [...objects, ...generated]) expect(o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace, `${o.file}: ${o.kind}`).toBe(NAMESPACE)
  })

  it('probe the service’s real health endpoints on the port it listens on', () => {
    const httpPort = container?.ports?.find((p) => p.name === 'http')
    expect(httpPort?.containerPort).toBe(Number(container?.env?.find((e) => e.name === 'PORT')?.value))
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' })
    expect(container?.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' })
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' })
    // Readiness checks time out after 2 s each; the probe must wait longer than that.
    expect(container?.readinessProbe?.timeoutSeconds).toBeGreaterThan(2)
  })

  it('request resources and bound memory, with the heap and the shedding threshold below the limit', () => {
    expect(container?.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) })
    const mi = (q: unknown) => Number(/^(\d+)Mi$/.exec(String(q))?.[1])
    const limit = mi(container?.resources?.limits?.memory)
    const heap = Number(/--max-old-space-size=(\d+)/.exec(container?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '')?.[1])
    expect(heap).toBeLessThan(limit)
    expect(Number(config.CDS_OVERLOAD_MAX_HEAP_MB)).toBeLessThan(heap)
  })

  it('run non-root on a read-only root filesystem without privileges or a service account token', () => {
    expect(pod?.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
    expect(pod?.securityContext?.runAsUser).toBeGreaterThan(0)
    expect(pod?.automountServiceAccountToken).toBe(false)
    expect(container?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } })
    expect(container?.volumeMounts?.map((m) => m.mountPath)).toContain('/tmp')
  })

  it('drain within the termination grace period: preStop pause plus the service’s own shutdown grace', () => {
    const preStop = container?.lifecycle?.preStop?.exec?.command ?? []
    expect(preStop[0]).toBe('sleep')
    const drainMs = Number(preStop[1]) * 1000 + Number(config.CDS_SHUTDOWN_GRACE_MS)
    expect(drainMs).toBeLessThan(Number(pod?.terminationGracePeriodSeconds) * 1000)
  })

  it('wire Service, Ingress, autoscaler, disruption budget and network policy to the same pods', () => {
    const service = one<IService>('Service', 'cat-cds')
    expect(selectsPods(deployment.spec?.selector.matchLabels)).toBe(true)
    expect(selectsPods(service.spec?.selector)).toBe(true)
    expect(container?.ports?.map((p) => p.name)).toContain(service.spec?.ports?.[0]?.targetPort)
    expect(selectsPods(one<IPodDisruptionBudget>('PodDisruptionBudget').spec?.selector?.matchLabels)).toBe(true)
    expect(selectsPods(one<INetworkPolicy>('NetworkPolicy', 'cat-cds').spec?.podSelector.matchLabels)).toBe(true)
    const hpa = one<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name })
    // One pod may be drained at a time, and the autoscaler's minimum leaves others serving.
    expect(one<IPodDisruptionBudget>('PodDisruptionBudget').spec?.maxUnavailable).toBe(1)
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2)
    // Two from the start, as many as the autoscaler's minimum.
    expect(deployment.spec?.replicas).toBe(2)
    expect(hpa.spec?.minReplicas).toBe(deployment.spec?.replicas)
  })

  it('expose only the CDS Hooks endpoints publicly: no health or metrics on the Ingress', () => {
    const ingress = one<IIngress>('Ingress')
    const paths = ingress.spec?.rules?.flatMap((r) => r.http?.paths ?? []) ?? []
    expect(paths.map((p) => [p.path, p.pathType])).toEqual([['/cds-services', 'Prefix']])
    expect(paths[0]?.backend.service).toEqual({ name: one<IService>('Service', 'cat-cds').metadata?.name, port: { name: 'http' } })
    expect(new URL(config.CDS_PUBLIC_URL ?? '').host).toBe(ingress.spec?.rules?.[0]?.host)
  })

  it('configure the service with settings it accepts in production once the Secret holds real values, and nothing it does not know', () => {
    const env: Record<string, string> = { ...config, ...realSecrets }
    for (const e of container?.env ?? []) env[e.name] = e.value ?? ''
    const nodeOwn = new Set(['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'])
    for (const key of Object.keys(env)) expect(ENV_VARIABLES.includes(key) || nodeOwn.has(key), key).toBe(true)
    const loaded = loadConfig(env)
    expect(loaded.env).toBe('production')
    expect(loaded.auth).toBe('jwt')
    expect(loaded.storeUrl).toMatch(/^postgres:\/\//)
    expect(new URL(loaded.redisUrl ?? '').host).toBe('valkey.cat-cds.svc.cluster.local:6379')
    // envFrom names objects that exist (the Secret is created out of band under the example's name).
    const sources = container?.envFrom?.map((s) => s.configMapRef?.name ?? s.secretRef?.name)
    expect(sources).toEqual(['cat-cds-config', secretExample.metadata?.name])
  })

  it('are refused at boot when the example Secret is applied as it is', () => {
    const env: Record<string, string> = { ...config, ...secretExample.stringData }
    let problems: string[] = []
    try {
      loadConfig(env)
    } catch (err) {
      problems = (err as { problems: string[] }).problems
    }
    expect(problems).toEqual([
      expect.stringMatching(/^CDS_AUDIT_HMAC_KEY: looks like a placeholder/),
      expect.stringMatching(/^CDS_STORE_URL \(its password\): looks like a placeholder/),
      expect.stringMatching(/^CDS_REDIS_URL \(its password\): looks like a placeholder/)
    ])
  })

  it('mount the trusted clients file where CDS_TRUSTED_CLIENTS points, from a ConfigMap that holds it', () => {
    const path = config.CDS_TRUSTED_CLIENTS ?? ''
    const mount = container?.volumeMounts?.find((m) => m.mountPath === dirname(path))
    const volume = pod?.volumes?.find((v) => v.name === mount?.name)
    const clients = one<IConfigMap>('ConfigMap', volume?.configMap?.name).data?.[path.split('/').pop() ?? '']
    expect(mount?.readOnly).toBe(true)
    const parsed = JSON.parse(clients ?? '') as { clients: Array<{ iss: string }> }
    expect(parsed.clients.length).toBeGreaterThan(0)
    for (const c of parsed.clients) expect(c.iss).toMatch(/^https:\/\//)
  })

  it('carry only placeholders in the example Secrets', () => {
    const url = new URL(secretExample.stringData?.CDS_STORE_URL ?? '')
    expect(url.password).toBe('REPLACE_ME')
    expect(secretExample.stringData?.CDS_AUDIT_HMAC_KEY).toMatch(/^REPLACE_ME/)
    expect(new URL(secretExample.stringData?.CDS_REDIS_URL ?? '').password).toBe('REPLACE_ME')
    expect(one<ISecret>('Secret', 'cat-cds-valkey', objects).stringData).toEqual({ VALKEY_PASSWORD: 'REPLACE_ME' })
    for (const s of objects.filter((o) => o.kind === 'Secret')) expect((s as ISecret).data, s.metadata.name).toBeUndefined()
  })

  it('run a Valkey the pods share, reachable from them only, with the password from its Secret', () => {
    const valkey = one<IDeployment>('Deployment', 'valkey')
    const vc = valkey.spec?.template.spec?.containers[0]
    expect(vc?.args?.slice(0, 2)).toEqual(['--requirepass', '$(VALKEY_PASSWORD)'])
    expect(vc?.env?.find((e) => e.name === 'VALKEY_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('cat-cds-valkey')
    expect(vc?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })
    expect(vc?.resources?.requests?.['ephemeral-storage']).toBeDefined()
    const service = one<IService>('Service', 'valkey')
    expect(service.spec?.ports?.[0]?.port).toBe(Number(new URL(realSecrets.CDS_REDIS_URL ?? '').port))
    const policy = one<INetworkPolicy>('NetworkPolicy', 'valkey').spec
    expect(policy?.ingress?.[0]?.from?.[0]?.podSelector?.matchLabels).toEqual(deployment.spec?.selector.matchLabels)
  })

  it('limit egress to DNS (node-local DNS too), the database, Valkey and HTTPS to the allow-listed FHIR servers', () => {
    const policy = one<INetworkPolicy>('NetworkPolicy', 'cat-cds').spec
    expect(policy?.policyTypes).toEqual(['Ingress', 'Egress'])
    const egress = policy?.egress ?? []
    expect(egress.map((rule) => (rule.ports ?? []).map((p) => `${p.port}/${p.protocol}`))).toEqual([['53/UDP', '53/TCP'], ['5432/TCP'], ['6379/TCP'], ['443/TCP']])
    // Every rule names its peers: none opens egress to everywhere.
    for (const rule of egress) expect(rule.to?.length).toBeGreaterThan(0)
    // NodeLocal DNSCache answers on a link-local address that no pod selector matches.
    expect(egress[0]?.to?.map((p) => p.ipBlock?.cidr)).toContain('169.254.20.10/32')
    expect(egress[2]?.to?.[0]?.podSelector?.matchLabels).toEqual({ 'app.kubernetes.io/name': 'valkey' })
    const fhirPeers = egress[3]?.to ?? []
    for (const peer of fhirPeers) expect(peer.ipBlock?.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/)
    // The service may only call https origins on the default port, which is what the policy opens.
    for (const origin of loadConfig({ ...config, ...realSecrets }).fhirAllowlist) expect(new URL(origin).port === '' && origin.startsWith('https://'), origin).toBe(true)
    // The database rule's port matches the store URL's.
    expect(String(new URL(realSecrets.CDS_STORE_URL ?? '').port)).toBe(String(egress[1]?.ports?.[0]?.port))
  })

  it('request ephemeral storage, so the scheduler accounts for the emptyDirs and logs', () => {
    expect(container?.resources?.requests?.['ephemeral-storage']).toBeDefined()
    expect(container?.resources?.limits?.['ephemeral-storage']).toBeDefined()
  })
})
