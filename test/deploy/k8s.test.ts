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

const manifestFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()
const objects: K8sObject[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => ({ ...(d.toJS() as Omit<K8sObject, 'file'>), file })))

function one<T> (kind: string, name?: string): T {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name))
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1)
  return found[0] as T
}

const deployment = one<IDeployment>('Deployment')
const pod = deployment.spec?.template.spec
const container = pod?.containers[0]
const podLabels = deployment.spec?.template.metadata?.labels ?? {}
const config = one<IConfigMap>('ConfigMap', 'cat-cds-config').data ?? {}

/** A label selector picks these pods when each of its labels is on them (and it has at least one). */
function selectsPods (selector: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {})
  return entries.length > 0 && entries.every(([k, v]) => podLabels[k] === v)
}

describe('docker/k8s manifests', () => {
  it('are listed in the kustomization, all of them', () => {
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[], namespace: string }
    expect([...kustomization.resources].sort()).toEqual(manifestFiles)
    expect(kustomization.namespace).toBe(NAMESPACE)
  })

  it('validate against the Kubernetes schemas, and the validator does catch a broken object', () => {
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}`).sort()).toEqual(Object.keys(MODELS).sort().concat('v1/ConfigMap').sort())
    for (const { file, ...object } of objects) {
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
    for (const o of objects) expect(o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace, `${o.file}: ${o.kind}`).toBe(NAMESPACE)
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
    const service = one<IService>('Service')
    expect(selectsPods(deployment.spec?.selector.matchLabels)).toBe(true)
    expect(selectsPods(service.spec?.selector)).toBe(true)
    expect(container?.ports?.map((p) => p.name)).toContain(service.spec?.ports?.[0]?.targetPort)
    expect(selectsPods(one<IPodDisruptionBudget>('PodDisruptionBudget').spec?.selector?.matchLabels)).toBe(true)
    expect(selectsPods(one<INetworkPolicy>('NetworkPolicy').spec?.podSelector.matchLabels)).toBe(true)
    const hpa = one<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata?.name })
    // One pod may be drained at a time, and the autoscaler's minimum leaves others serving.
    expect(one<IPodDisruptionBudget>('PodDisruptionBudget').spec?.maxUnavailable).toBe(1)
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2)
    // The HPA owns the replica count; a fixed one here would be reset by every `kubectl apply`.
    expect(deployment.spec?.replicas).toBeUndefined()
  })

  it('expose only the CDS Hooks endpoints publicly: no health or metrics on the Ingress', () => {
    const ingress = one<IIngress>('Ingress')
    const paths = ingress.spec?.rules?.flatMap((r) => r.http?.paths ?? []) ?? []
    expect(paths.map((p) => [p.path, p.pathType])).toEqual([['/cds-services', 'Prefix']])
    expect(paths[0]?.backend.service).toEqual({ name: one<IService>('Service').metadata?.name, port: { name: 'http' } })
    expect(new URL(config.CDS_PUBLIC_URL ?? '').host).toBe(ingress.spec?.rules?.[0]?.host)
  })

  it('configure the service with settings it accepts in production, and nothing it does not know', () => {
    const secret = one<ISecret>('Secret')
    const env: Record<string, string> = { ...config, ...secret.stringData }
    for (const e of container?.env ?? []) env[e.name] = e.value ?? ''
    const nodeOwn = new Set(['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'])
    for (const key of Object.keys(env)) expect(ENV_VARIABLES.includes(key) || nodeOwn.has(key), key).toBe(true)
    const loaded = loadConfig(env)
    expect(loaded.env).toBe('production')
    expect(loaded.auth).toBe('jwt')
    expect(loaded.storeUrl).toMatch(/^postgres:\/\//)
    // envFrom names objects that exist.
    const sources = container?.envFrom?.map((s) => s.configMapRef?.name ?? s.secretRef?.name)
    expect(sources).toEqual(['cat-cds-config', secret.metadata?.name])
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

  it('carry only placeholders in the Secret', () => {
    const url = new URL(one<ISecret>('Secret').stringData?.CDS_STORE_URL ?? '')
    expect(url.password).toBe('REPLACE_ME')
    expect(one<ISecret>('Secret').stringData?.CDS_AUDIT_HMAC_KEY).toMatch(/^REPLACE_ME/)
    expect(one<ISecret>('Secret').data).toBeUndefined()
  })

  it('limit egress to DNS, the database and HTTPS to the allow-listed FHIR servers', () => {
    const policy = one<INetworkPolicy>('NetworkPolicy').spec
    expect(policy?.policyTypes).toEqual(['Ingress', 'Egress'])
    const egress = policy?.egress ?? []
    expect(egress.map((rule) => (rule.ports ?? []).map((p) => `${p.port}/${p.protocol}`))).toEqual([['53/UDP', '53/TCP'], ['5432/TCP'], ['443/TCP']])
    // Every rule names its peers: none opens egress to everywhere.
    for (const rule of egress) expect(rule.to?.length).toBeGreaterThan(0)
    const fhirPeers = egress[2]?.to ?? []
    for (const peer of fhirPeers) expect(peer.ipBlock?.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/)
    // The service may only call https origins on the default port, which is what the policy opens.
    for (const origin of loadConfig({ ...config, ...one<ISecret>('Secret').stringData }).fhirAllowlist) expect(new URL(origin).port === '' && origin.startsWith('https://'), origin).toBe(true)
    // The database rule's port matches the store URL's.
    expect(String(new URL(one<ISecret>('Secret').stringData?.CDS_STORE_URL ?? '').port)).toBe(String(egress[1]?.ports?.[0]?.port))
  })
})
