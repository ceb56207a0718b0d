/**
 * charts/writ renders (with Helm's engine rebuilt in tools/helm-render) into manifests that pass the
 * Kubernetes, Istio and Prometheus Operator schemas; every WRIT_* variable it sets is a real setting of
 * src/config.ts, and writ's own configuration parser accepts what it renders, for every values variant.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SETTINGS, resolveConfig, type ServerConfig } from '../../src/config.js';
import { ASYMMETRIC_ALGORITHMS } from '../../src/identity/jwt-verifier.js';
import {
  POD_NAME,
  customPolicyOverlaps,
  mountFor,
  resolveContainerEnv,
  selectorsCanOverlap,
} from './chart-env.js';
import { buildHelmRender, renderChart } from './helm.js';
import { typeCheckManifests, validateWithModels, type Manifest } from './k8s-validate.js';
import { ofKind, parseManifests, readManifests, type Loose } from './manifests.js';
import { repoPath } from './paths.js';
import { EnvoyProtoSet, checkMessage } from './proto-strict.js';

const chart = (f: string) => repoPath('charts', 'writ', f);
const readYaml = (f: string) => parse(readFileSync(f, 'utf8')) as Record<string, Loose>;

/** Helm's coalescing of a values file over the chart's defaults (maps merge, null deletes). */
function coalesce(base: Record<string, Loose>, over: Record<string, Loose>): Record<string, Loose> {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(out[k], v);
    else out[k] = v;
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, Loose> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every environment variable writ reads (src/config.ts). */
const SETTING_ENVS = new Set(SETTINGS.map((s) => s.env));

/**
 * Settings the chart leaves at writ's default on purpose, with the reason; docs/deployment.md lists them
 * too. Anything else in SETTINGS must be set by the chart in at least one of the variants below.
 */
const LEFT_AT_DEFAULT: Readonly<Record<string, string>> = {
  WRIT_ALLOW_VOLATILE_STATE:
    'false: a Redis without persistence would release every quarantine and approval when it restarts; the chart never accepts that',
  WRIT_STATE_FILE:
    "the memory store's file under WRIT_HOME: with one replica and no Redis, quarantines and approvals survive a container restart only as long as WRIT_HOME's volume does",
  WRIT_MCP_ENDPOINTS:
    "empty: the MCP endpoints come from the policy's own list (lists.mcp_endpoints), which the chart ships in policies.files, so they have one home",
  WRIT_A2A_ENDPOINTS:
    "empty: the A2A endpoints come from the policy's own list (lists.a2a_endpoints), which the chart ships in policies.files, so they have one home",
  WRIT_TRUST_AGENT_HEADERS:
    'false: in the mesh an agent writes its own x-writ-session/-agent/-tenant headers, so trusting them would let one agent act under another session; quarantine then keys on the SPIFFE subject',
};

/** Variables the chart sets for libraries writ uses, not for writ itself. */
const SDK_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'the AWS SDK region for the aws-kms signer',
};

/** What the Secrets named by the variants hold, for writ's parser. */
const SECRET_VALUES: Readonly<Record<string, string>> = {
  'writ-redis/redis-url': 'redis://redis.writ.svc.cluster.local:6379/0',
  'writ-webhooks/webhook-urls': 'slack+https://hooks.slack.com/services/T000/B000/XXXX',
};

const defaults = readYaml(chart('values.yaml'));
const production = coalesce(defaults, readYaml(chart('values-production.yaml')));
const kms = coalesce(defaults, readYaml(chart('values-kms.yaml')));

/** A variant that turns on what the shipped files leave off, so every branch of the env renders. */
const EVERYTHING_ELSE = {
  signer: {
    type: 'aws-kms',
    keyRotationS: 60,
    awsKms: {
      keyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      region: 'eu-west-1',
    },
  },
  serviceAccount: { awsRoleArn: 'arn:aws:iam::111122223333:role/writ-signer' },
  identity: {
    trustDomains: ['cluster.local', 'partner.example'],
    xfccTrustedProxy: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    originHops: ['spiffe://cluster.local/ns/agent-runtime/sa/origin-proxy'],
    jwtIssuers: [
      { issuer: 'https://accounts.example.org', audience: ['writ'], discovery: true, algorithms: ['RS256'] },
    ],
  },
  approvals: {
    webhooks: { targets: ['https://hooks.example.net/writ', 'slack+https://hooks.slack.com/services/T/B/X'] },
  },
  audit: {
    fsyncMs: 0,
    checkpointEvery: 0,
    checkpointIntervalS: 30,
    tsa: { url: 'https://tsa.example.net:8443/tsr', caSecret: 'writ-tsa-ca', key: 'tsa.pem' },
  },
  siem: {
    stdout: true,
    file: true,
    syslog: { address: 'siem.example.net:601', caSecret: 'writ-siem-ca', key: 'siem-ca.pem' },
  },
  shadowPolicies: {
    enabled: true,
    files: {
      'candidate.yaml':
        'apiVersion: writ.dev/v1\nkind: PolicySet\nrules:\n  - id: candidate-deny\n    description: The candidate.\n    effect: deny\n',
    },
  },
  networkPolicy: { egress: { enabled: true } },
  istio: { enabled: true },
};
const everything = coalesce(defaults, EVERYTHING_ELSE);

describe('values.schema.json', () => {
  // Helm validates with a draft-07 validator; "type": [a, b] unions are valid draft-07.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const schema: Loose = JSON.parse(readFileSync(chart('values.schema.json'), 'utf8'));
  const validate = ajv.compile(schema as object);
  const ok = (values: unknown) => [validate(values), ajv.errorsText(validate.errors)] as const;

  it.each([
    ['values.yaml', defaults],
    ['values-production.yaml', production],
    ['values-kms.yaml', kms],
    ['the everything-else variant', everything],
  ])('accepts %s', (_name, values) => {
    const [valid, errors] = ok(values);
    expect(valid, errors).toBe(true);
  });

  it("accepts the chart conventions, and refuses writ's own settings in extraEnv (they live in values)", () => {
    const conventions = coalesce(defaults, {
      global: { imageRegistry: 'registry.example' },
      nameOverride: 'gate',
      fullnameOverride: 'writ-gate',
      extraEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
      extraVolumes: [{ name: 'ca', configMap: { name: 'corp-ca' } }],
      extraVolumeMounts: [{ name: 'ca', mountPath: '/etc/ssl/corp' }],
      podAnnotations: { a: 'b' },
      priorityClassName: 'high',
    });
    const [valid, errors] = ok(conventions);
    expect(valid, errors).toBe(true);
    expect(
      validate(coalesce(defaults, { extraEnv: [{ name: 'WRIT_TRUST_AGENT_HEADERS', value: 'true' }] })),
    ).toBe(false);
  });

  it('rejects a misspelled key, a bad signer, a bad syslog address and an HMAC issuer', () => {
    expect(validate({ ...defaults, replicaCont: 2 })).toBe(false);
    expect(validate(coalesce(defaults, { signer: { type: 'vault' } }))).toBe(false);
    expect(validate(coalesce(defaults, { signer: { keyRotaton: 300 } }))).toBe(false);
    expect(validate(coalesce(defaults, { siem: { syslog: { address: 'siem.example.net' } } }))).toBe(false);
    const hmac = {
      identity: {
        jwtIssuers: [{ issuer: 'i', audience: 'a', jwks_uri: 'https://i/j', algorithms: ['HS256'] }],
      },
    };
    expect(validate(coalesce(defaults, hmac))).toBe(false);
  });

  it("allows exactly writ's asymmetric JWT algorithms", () => {
    const algs = schema.properties.identity.properties.jwtIssuers.items.properties.algorithms.items.enum;
    expect([...algs].sort()).toEqual([...ASYMMETRIC_ALGORITHMS].sort());
  });
});

describe('chart settings are writ settings', () => {
  const templateDir = chart('templates');
  const templateFiles = readdirSync(templateDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    /\.(ya?ml|tpl)$/.test(f),
  );
  const names = (text: string) => [...new Set(text.match(/\bWRIT_[A-Z0-9_]+\b/g) ?? [])];

  it('names only SETTINGS variables in the templates and the values files, comments included', () => {
    const sources = [
      ...templateFiles.map((f) => [`templates/${f}`, readFileSync(path.join(templateDir, f), 'utf8')]),
      ...['values.yaml', 'values-production.yaml', 'values-kms.yaml'].map((f) => [
        f,
        readFileSync(chart(f), 'utf8'),
      ]),
    ];
    const unknown = sources.flatMap(([file, text]) =>
      names(text!)
        .filter((n) => !SETTING_ENVS.has(n))
        .map((n) => `${file}: ${n}`),
    );
    expect(unknown).toEqual([]);
    // The check can fail: a typo is caught.
    expect(names('- { name: WRIT_SIEM_SYSLOG_CA, value: x }').filter((n) => !SETTING_ENVS.has(n))).toEqual([
      'WRIT_SIEM_SYSLOG_CA',
    ]);
  });

  it('documents the left-at-default allowlist and every setting in docs/deployment.md', () => {
    const doc = readFileSync(repoPath('docs/deployment.md'), 'utf8');
    for (const env of Object.keys(LEFT_AT_DEFAULT)) {
      expect(SETTING_ENVS.has(env), env).toBe(true);
      expect(doc, env).toMatch(new RegExp(`\`${env}\`[^\\n]*left at (writ's )?default`, 'i'));
    }
    const missing = [...SETTING_ENVS].filter((env) => !doc.includes(`\`${env}\``));
    expect(missing).toEqual([]);
  });
});

const renderer = buildHelmRender();
const bin = 'bin' in renderer ? renderer.bin : null;
if (!bin) {
  const reason = 'missing' in renderer ? renderer.missing : '';
  // CI must prove the chart renders; a developer without Go is told why the chart tests did not run.
  if (process.env.CI === 'true') it('has Go to render the chart', () => expect.fail(reason));
  else console.warn(`skipping chart rendering: ${reason}`);
}

describe.skipIf(!bin)('charts/writ rendered', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'writ-chart-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const valuesFile = (name: string, values: Record<string, unknown>) => {
    const file = path.join(tmp, name);
    writeFileSync(file, stringify(values));
    return file;
  };
  const render = (file?: string): Manifest[] => parseManifests(renderChart(bin!, file), file ?? 'defaults');
  const renderValues = (name: string, values: Record<string, unknown>) => render(valuesFile(name, values));

  const variants = bin
    ? {
        default: render(),
        production: render(chart('values-production.yaml')),
        kms: render(chart('values-kms.yaml')),
        everything: renderValues('everything.yaml', EVERYTHING_ELSE),
      }
    : null;
  const v = variants!;
  const container = (docs: Manifest[]): Loose =>
    ofKind(docs, 'Deployment')[0]!.spec.template.spec.containers[0];
  const podSpec = (docs: Manifest[]): Loose => ofKind(docs, 'Deployment')[0]!.spec.template.spec;
  const envOf = (docs: Manifest[]) => resolveContainerEnv(container(docs).env, SECRET_VALUES);
  const configOf = (docs: Manifest[]): ServerConfig => resolveConfig({}, envOf(docs));
  // writ's own NetworkPolicy (the chart also renders one for the agents' namespace with istio.enabled).
  const writNetworkPolicy = (docs: Manifest[]): Loose =>
    ofKind(docs, 'NetworkPolicy').find(
      (p) => p.metadata.namespace === undefined && p.metadata.name === 'writ',
    )!;
  const byName = (list: Loose[]) =>
    Object.fromEntries(list.map((x: Loose) => [String(x.name), x as unknown])) as Record<string, Loose>;

  it.each([
    ['default', ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Pod', 'Service', 'ServiceAccount']],
    [
      'production',
      [
        'AuthorizationPolicy',
        'ConfigMap',
        'Deployment',
        'DestinationRule',
        'EnvoyFilter',
        'Gateway',
        'HorizontalPodAutoscaler',
        'NetworkPolicy',
        'PeerAuthentication',
        'Pod',
        'PodDisruptionBudget',
        'PrometheusRule',
        'Service',
        'ServiceAccount',
        'ServiceEntry',
        'ServiceMonitor',
        'Sidecar',
        'VirtualService',
      ],
    ],
    ['kms', ['ConfigMap', 'Deployment', 'NetworkPolicy', 'Pod', 'Service', 'ServiceAccount']],
  ] as const)('%s values: every manifest passes its schema, strictly', async (name, kinds) => {
    const docs = v[name];
    expect([...new Set(docs.map((d) => String(d.doc.kind)))].sort()).toEqual(kinds);
    expect(await validateWithModels(docs)).toEqual([]);
    expect(typeCheckManifests(docs)).toEqual([]);
  });

  it('the everything-else variant passes its schemas too', async () => {
    expect(await validateWithModels(v.everything)).toEqual([]);
    expect(typeCheckManifests(v.everything)).toEqual([]);
  });

  it('catches a misspelled field in a rendered Deployment', () => {
    const dep = structuredClone(ofKind(v.default, 'Deployment')[0]!);
    dep.spec.template.spec.containers[0].imagee = dep.spec.template.spec.containers[0].image;
    expect(typeCheckManifests([{ label: 'typo', doc: dep }]).join('\n')).toMatch(/'"imagee"' does not exist/);
  });

  describe('environment', () => {
    it('sets only SETTINGS variables (and the SDK variables listed), once each', () => {
      for (const [name, docs] of Object.entries(v)) {
        const set = container(docs).env.map((e: Loose) => String(e.name)) as string[];
        expect(new Set(set).size, name).toBe(set.length);
        expect(
          set.filter((n) => !SETTING_ENVS.has(n) && !(n in SDK_ENV)),
          name,
        ).toEqual([]);
      }
    });

    it('sets every SETTINGS variable in some variant, except the documented left-at-default ones', () => {
      const rendered = new Set(
        Object.values(v).flatMap((docs): string[] =>
          (container(docs).env as Loose[]).map((e: Loose): string => String(e.name)),
        ),
      );
      const unset = [...SETTING_ENVS].filter((env) => !rendered.has(env)).sort();
      expect(unset).toEqual(Object.keys(LEFT_AT_DEFAULT).sort());
      for (const env of Object.keys(SDK_ENV)) expect(rendered.has(env), env).toBe(true);
    });

    it("is accepted by writ's own configuration parser, in every variant", () => {
      for (const [name, docs] of Object.entries(v)) {
        expect(() => configOf(docs), name).not.toThrow();
      }
      // And the parser does refuse things: the KMS variant without its rotation.
      const env = envOf(v.kms);
      expect(() => resolveConfig({}, { ...env, WRIT_KEY_ROTATION_S: '0' })).toThrow(/at least 10 s/);
    });

    it('defaults: roles, ports and the audit chain named by the pod', () => {
      const c = configOf(v.default);
      expect([c.adminPort, c.checkPort, c.verifyPort, c.inboundPort, c.extprocPort]).toEqual([
        9190, 9191, 9192, 9193, 9194,
      ]);
      expect(c.listenHost).toBe('0.0.0.0');
      expect(c.maxBodyBytes).toBe(1048576); // not 1.048576e+06: Helm reads numbers as floats
      expect(c.replicaId).toBe(POD_NAME);
      expect(c.auditFile).toBe(`/var/lib/writ-audit/${POD_NAME}/audit.jsonl`);
      expect(c.signer).toBe('local');
      expect(c.keyRotationS).toBe(0);
      expect(c.redisUrl).toBeNull();
      expect(c.shadowPolicyDir).toBe('');
      expect(c.siemStdout).toBe(false);
      expect(c.trustDomains).toEqual(['cluster.local']);
      const replica = byName(container(v.default).env).WRIT_REPLICA_ID;
      expect(replica.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    });

    it('production: Redis, a shared key without rotation, TSA, syslog over TLS, OIDC approvers', () => {
      const c = configOf(v.production);
      expect(c.redisUrl).toBe(SECRET_VALUES['writ-redis/redis-url']);
      expect(c.redisPrefix).toBe('{writ}:');
      expect(c.signer).toBe('local');
      expect(c.keyRotationS).toBe(0);
      expect(c.signingKeyFile).toBe('/etc/writ/signing/signing-key.pem');
      expect(c.tsaUrl).toMatch(/^https?:\/\//);
      expect(c.tsaCaFile).toBe('/etc/writ/tsa/ca.pem');
      expect(c.siemSyslog).toEqual({ host: 'siem-collector.logging.svc.cluster.local', port: 6514 });
      expect(c.siemSyslogCaFile).toBe('/etc/writ/siem-syslog/ca.pem');
      expect(c.oidc).toMatchObject({
        issuer: 'https://login.acme.example',
        roleClaim: 'roles',
        groupsClaim: 'groups',
      });
      expect(c.approverKeysFile).toBe('/etc/writ/approvals/keys/approver-keys');
      expect(c.approvalWebhooks).toEqual([SECRET_VALUES['writ-webhooks/webhook-urls']]);
      expect(c.webhookSecretFile).toBe('/etc/writ/approvals/webhook/webhook-secret');
      expect(c.jwtIssuersFile).toBe('/etc/writ/identity/issuers/issuers.yaml');
      expect(c.apiKeysFile).toBe('/etc/writ/identity/api-keys/api-keys.json');
      expect(c.quarantineOn).toEqual(['secrets', 'severity:critical']);
      const env = byName(container(v.production).env);
      expect(env.WRIT_REDIS_URL.valueFrom.secretKeyRef).toEqual({ name: 'writ-redis', key: 'redis-url' });
      expect(env.WRIT_APPROVAL_WEBHOOKS.valueFrom.secretKeyRef).toEqual({
        name: 'writ-webhooks',
        key: 'webhook-urls',
      });
    });

    it('kms: the KMS key, its rotation and workload identity', () => {
      const c = configOf(v.kms);
      expect(c.signer).toBe('gcp-kms');
      expect(c.gcpKmsKey).toMatch(/cryptoKeyVersions\/1$/);
      expect(c.keyRotationS).toBe(300);
      // Several replicas with rotation on: each token carries its key's certification by the KMS key.
      expect(ofKind(v.kms, 'Deployment')[0]!.spec.replicas).toBe(3);
      expect(ofKind(v.kms, 'ServiceAccount')[0]!.metadata.annotations['iam.gke.io/gcp-service-account']).toBe(
        'writ-signer@acme-prod.iam.gserviceaccount.com',
      );
    });

    it('everything else: AWS KMS, shadow policies, XFCC, SIEM file, plain webhook targets', () => {
      const c = configOf(v.everything);
      expect(c.signer).toBe('aws-kms');
      expect(c.awsKmsKeyId).toMatch(/^arn:aws:kms:/);
      expect(envOf(v.everything).AWS_REGION).toBe('eu-west-1');
      expect(c.shadowPolicyDir).toBe('/etc/writ/shadow-policies');
      expect(c.xfccTrustedProxy).toMatch(/^spiffe:\/\//);
      expect(c.originHops).toEqual(['spiffe://cluster.local/ns/agent-runtime/sa/origin-proxy']);
      expect(c.trustDomains).toEqual(['cluster.local', 'partner.example']);
      expect(c.siemStdout).toBe(true);
      expect(c.siemFile).toBe(`/var/lib/writ-audit/${POD_NAME}/siem.ocsf.jsonl`);
      expect(c.approvalWebhooks).toHaveLength(2);
      expect([c.auditFsyncMs, c.checkpointEvery, c.checkpointIntervalS]).toEqual([0, 0, 30]);
      expect(
        ofKind(v.everything, 'ServiceAccount')[0]!.metadata.annotations['eks.amazonaws.com/role-arn'],
      ).toMatch(/role\/writ-signer$/);
    });
  });

  describe('files and volumes', () => {
    /** Settings that name a file or folder writ reads, and those it writes. */
    const INPUTS = [
      'WRIT_POLICY_DIR',
      'WRIT_SHADOW_POLICY_DIR',
      'WRIT_SIGNING_KEY_FILE',
      'WRIT_JWT_ISSUERS_FILE',
      'WRIT_API_KEYS_FILE',
      'WRIT_APPROVER_KEYS_FILE',
      'WRIT_WEBHOOK_SECRET_FILE',
      'WRIT_TSA_CA_FILE',
      'WRIT_SIEM_SYSLOG_CA_FILE',
    ];
    const OUTPUTS = ['WRIT_HOME', 'WRIT_AUDIT_FILE', 'WRIT_SIEM_FILE'];

    it('puts every path writ reads on a read-only mount and every path it writes on a writable one', () => {
      for (const [name, docs] of Object.entries(v)) {
        const env = envOf(docs);
        const mounts = container(docs).volumeMounts as Loose[];
        const volumes = byName(podSpec(docs).volumes);
        for (const [key, value] of Object.entries(env).filter(([, x]) => x.startsWith('/'))) {
          expect([...INPUTS, ...OUTPUTS], `${name} ${key}`).toContain(key);
          const m = mountFor(mounts, value);
          expect(m, `${name} ${key}=${value} is on no mount`).toBeDefined();
          expect(volumes[m.name], `${name} ${key}: volume ${m.name}`).toBeDefined();
          expect(Boolean(m.readOnly), `${name} ${key} read-only`).toBe(INPUTS.includes(key));
          // No subPath: Secret and ConfigMap updates must arrive (hot reload, key files re-read).
          expect(m.subPath, `${name} ${key}`).toBeUndefined();
          // A file in a ConfigMap the chart renders must be one of its keys.
          const cmName = volumes[m.name].configMap?.name;
          const cm = ofKind(docs, 'ConfigMap').find((x) => x.metadata.name === cmName);
          if (cm && value !== m.mountPath)
            expect(Object.keys(cm.data), `${name} ${key}`).toContain(path.relative(m.mountPath, value));
        }
      }
    });

    it('keeps WRIT_HOME on an emptyDir, and the audit log on an emptyDir by default or the named claim', () => {
      expect(byName(podSpec(v.default).volumes).audit.emptyDir).toEqual({ sizeLimit: '1Gi' });
      expect(byName(podSpec(v.production).volumes).audit.persistentVolumeClaim).toEqual({
        claimName: 'writ-audit',
      });
      for (const docs of Object.values(v)) expect(byName(podSpec(docs).volumes).data.emptyDir).toBeDefined();
    });

    it("ships policies, shadow policies and JWT issuers that writ's own loaders accept", async () => {
      const { compilePolicySources } = await import('../../src/pipeline/policy/load.js');
      const { parseIssuersFile } = await import('../../src/identity/issuers-file.js');
      const cms = (docs: Manifest[], suffix: string) =>
        ofKind(docs, 'ConfigMap').filter((c) => c.metadata.name === `writ-${suffix}`);
      for (const cm of [...cms(v.default, 'policies'), ...cms(v.everything, 'shadow-policies')]) {
        const files = Object.entries(cm.data as Record<string, string>).map(([name, text]) => ({
          name,
          text,
        }));
        expect(files.length).toBeGreaterThan(0);
        expect(() => compilePolicySources(files)).not.toThrow();
      }
      expect(cms(v.everything, 'shadow-policies')).toHaveLength(1);
      for (const docs of [v.production, v.everything]) {
        const [cm] = cms(docs, 'identity');
        const issuers = parseIssuersFile(String(cm!.data['issuers.yaml']), 'issuers.yaml');
        expect(issuers.length).toBeGreaterThan(0);
      }
      expect(cms(v.default, 'identity')).toEqual([]);
    });
  });

  it('runs writ locked down, on its ports, probed over gRPC health', () => {
    const pod = podSpec(v.default);
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.fromEntries(c.ports.map((p: Loose) => [String(p.name), Number(p.containerPort)]))).toEqual({
      'http-admin': 9190,
      'grpc-check': 9191,
      'grpc-verify': 9192,
      'grpc-inbound': 9193,
      'grpc-extproc': 9194,
    });
    expect(c.args).toEqual(['--max-semi-space-size=64', '/app/dist/cli/main.js', 'serve']);
    expect(c.readinessProbe.grpc).toEqual({ port: 9191, service: 'writ.check' });
    expect(c.livenessProbe.grpc).toEqual({ port: 9191, service: '' });
    const mounts = c.volumeMounts.map((m: Loose) => String(m.mountPath)).sort();
    expect(mounts).toEqual(['/etc/writ/policies', '/tmp', '/var/lib/writ', '/var/lib/writ-audit']);
  });

  it('roles off: no inbound or ext_proc port anywhere, and writ told port 0', () => {
    const docs = renderValues('roles-off.yaml', {
      roles: { inbound: false, extProc: false },
      istio: { enabled: true },
    });
    const c = resolveConfig({}, resolveContainerEnv(container(docs).env, SECRET_VALUES));
    expect([c.inboundPort, c.extprocPort]).toEqual([0, 0]);
    const ports = [
      ...container(docs).ports.map((p: Loose) => Number(p.containerPort)),
      ...ofKind(docs, 'Service')[0]!.spec.ports.map((p: Loose) => Number(p.port)),
      ...writNetworkPolicy(docs).spec.ingress.flatMap((r: Loose): number[] =>
        (r.ports as Loose[]).map((p: Loose): number => Number(p.port)),
      ),
    ];
    expect(ports).not.toContain(9193);
    expect(ports).not.toContain(9194);
    expect(
      ofKind(docs, 'AuthorizationPolicy')
        .map((p) => String(p.spec.provider.name))
        .sort(),
    ).toEqual(['writ-check', 'writ-verify']);
  });

  describe('production', () => {
    it('spreads replicas by HPA and anti-affinity, with a PDB', () => {
      const dep = ofKind(v.production, 'Deployment')[0]!;
      expect(dep.spec.replicas).toBeUndefined(); // owned by the HPA
      expect(
        podSpec(v.production).affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution,
      ).toHaveLength(1);
      expect(ofKind(v.production, 'HorizontalPodAutoscaler')[0]!.spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(ofKind(v.production, 'PodDisruptionBudget')[0]!.spec.maxUnavailable).toBe(1);
    });

    it('takes the usual chart conventions: global, name overrides, extra env and volumes, priority, spread', async () => {
      const docs = renderValues('conventions.yaml', {
        global: { imageRegistry: 'registry.example' },
        nameOverride: 'gate',
        fullnameOverride: 'writ-gate',
        extraEnv: [{ name: 'HTTPS_PROXY', value: 'http://proxy:3128' }],
        extraVolumes: [{ name: 'ca-bundle', configMap: { name: 'corp-ca' } }],
        extraVolumeMounts: [{ name: 'ca-bundle', mountPath: '/etc/ssl/corp', readOnly: true }],
        podAnnotations: { 'example.com/team': 'platform' },
        podLabels: { team: 'platform' },
        priorityClassName: 'system-cluster-critical',
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
        ],
      });
      expect(await validateWithModels(docs)).toEqual([]);
      expect(typeCheckManifests(docs)).toEqual([]);
      const dep = ofKind(docs, 'Deployment')[0]!;
      expect(dep.metadata.name).toBe('writ-gate');
      expect(dep.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('gate');
      expect(dep.spec.template.metadata.labels.team).toBe('platform');
      expect(dep.spec.template.metadata.annotations['example.com/team']).toBe('platform');
      const pod = dep.spec.template.spec;
      expect(pod.priorityClassName).toBe('system-cluster-critical');
      expect(pod.topologySpreadConstraints).toEqual([
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' },
      ]);
      expect(pod.volumes.map((v: Loose) => String(v.name))).toContain('ca-bundle');
      expect(container(docs).volumeMounts).toContainEqual({
        name: 'ca-bundle',
        mountPath: '/etc/ssl/corp',
        readOnly: true,
      });
      expect(container(docs).env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://proxy:3128' });
      // The helm test pod asks the renamed Service.
      const test = ofKind(docs, 'Pod')[0]!;
      expect(test.metadata.annotations['helm.sh/hook']).toBe('test');
      expect(test.spec.containers[0].args).toEqual([
        '/app/dist/cli/main.js',
        'health',
        '--host',
        'writ-gate.writ.svc.cluster.local',
        '--port',
        '9191',
      ]);
    });

    it('opens the admin port to the monitoring and approvers namespaces only, never to the agents', () => {
      const docs = renderValues('approvers.yaml', { networkPolicy: { approverNamespaces: ['approvals'] } });
      const admin = Number(configOf(docs).adminPort);
      const from = (writNetworkPolicy(docs).spec.ingress as Loose[])
        .filter((r: Loose) => (r.ports as Loose[]).some((p: Loose) => Number(p.port) === admin))
        .flatMap((r: Loose) =>
          (r.from as Loose[]).map((f: Loose) =>
            String(f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']),
          ),
        );
      expect(from.sort()).toEqual(['approvals', 'monitoring']);
      expect(envOf(docs)['WRIT_ADMIN_HOST']).toBe('0.0.0.0');
    });

    it("scrapes /metrics on the Service port that is writ's admin port", () => {
      const endpoint = ofKind(v.production, 'ServiceMonitor')[0]!.spec.endpoints[0];
      expect(endpoint).toMatchObject({ port: 'http-admin', path: '/metrics' });
      const svcPort = byName(ofKind(v.production, 'Service')[0]!.spec.ports)[endpoint.port];
      expect(svcPort.port).toBe(configOf(v.production).adminPort);
      const cPort = byName(container(v.production).ports)[svcPort.targetPort];
      expect(cPort.containerPort).toBe(configOf(v.production).adminPort);
    });

    it('lets writ reach the TSA and the syslog receiver when egress is restricted', () => {
      const egressPorts = (docs: Manifest[]): number[] =>
        (writNetworkPolicy(docs).spec.egress as Loose[]).flatMap((r: Loose): number[] =>
          (r.ports as Loose[]).map((p: Loose): number => Number(p.port)),
        );
      expect(egressPorts(v.production)).toEqual(expect.arrayContaining([53, 6379, 443, 80, 6514]));
      expect(egressPorts(v.everything)).toEqual(expect.arrayContaining([8443, 601]));
      expect(egressPorts(v.kms)).not.toContain(80);
    });

    it("registers writ's own external hosts for its namespace only (REGISTRY_ONLY mesh)", () => {
      const hosts = (docs: Manifest[]) =>
        ofKind(docs, 'ServiceEntry')
          .filter((s) => s.metadata.namespace === 'writ')
          .flatMap((s) => {
            expect(s.spec.exportTo).toEqual(['.']);
            return (s.spec.hosts as string[]).map((h) => `${h}:${Number(s.spec.ports[0].number)}`);
          })
          .sort();
      expect(hosts(v.production)).toEqual([
        'hooks.slack.com:443',
        'login.acme.example:443',
        'timestamp.digicert.com:80',
      ]);
      expect(hosts(v.everything)).toEqual([
        'accounts.example.org:443',
        'hooks.example.net:443',
        'hooks.slack.com:443',
        'kms.eu-west-1.amazonaws.com:443',
        'sts.eu-west-1.amazonaws.com:443',
        'tsa.example.net:443',
      ]);
    });
  });

  describe('Istio wiring', () => {
    const operator = ofKind(readManifests(repoPath('istio/mesh-config.yaml'), 'mesh'), 'IstioOperator')[0]!;
    const providers = byName(operator.spec.meshConfig.extensionProviders);
    /** The Service port each provider must reach, by the chart's port names. */
    const ROLE_PORT_NAMES: Record<string, string> = {
      check: 'grpc-check',
      verify: 'grpc-verify',
      inbound: 'grpc-inbound',
    };

    it('points every mesh provider at the chart Service port of its role, with body limits and timeouts writ fits', () => {
      const values = production.istio.providers as Record<string, string>;
      expect(Object.values(values).sort()).toEqual(Object.keys(providers).sort());
      const service = ofKind(v.production, 'Service')[0]!;
      const svcPorts = byName(service.spec.ports);
      const config = configOf(v.production);
      for (const [role, provider] of Object.entries(values)) {
        const p = providers[provider].envoyExtAuthzGrpc;
        expect(p.service, provider).toBe(`${String(service.metadata.name)}.writ.svc.cluster.local`);
        expect(p.port, provider).toBe(svcPorts[ROLE_PORT_NAMES[role]!].port);
        expect(p.includeRequestBodyInCheck.maxRequestBytes, provider).toBe(config.maxBodyBytes);
        // writ answers (a deny at worst) before the proxy gives up on it.
        expect(Number(String(p.timeout).replace(/s$/, '')) * 1000, provider).toBeGreaterThan(
          config.deadlineMs,
        );
      }
      expect(svcPorts['grpc-inbound'].port).toBe(config.inboundPort);
    });

    it("lets the egress gateway present agents' tokens to writ-verify in sidecar mode, and nobody else", () => {
      // Tools are reached through the gateway, so writ-verify sees the gateway's identity, not the agent's
      // the token binds: the gateway is the one forwarder (docs/canonical-action.md, ERR_TOKEN_SUBJECT).
      const forwarders = configOf(v.production).tokenForwarders;
      expect(forwarders).toEqual([
        'spiffe://cluster.local/ns/istio-system/sa/istio-egressgateway-service-account',
      ]);
      expect(configOf(renderValues('plain.yaml', {})).tokenForwarders).toEqual([]);
    });

    it('gives each workload exactly one CUSTOM provider, in sidecar and ambient mode', () => {
      const ambient = renderValues('ambient.yaml', { istio: { enabled: true, mode: 'ambient' } });
      for (const docs of [v.production, ambient]) {
        const policies = ofKind(docs, 'AuthorizationPolicy');
        expect(policies.map((p) => String(p.spec.provider.name)).sort()).toEqual([
          'writ-check',
          'writ-inbound',
          'writ-verify',
        ]);
        for (const p of policies) {
          expect(p.spec.action).toBe('CUSTOM');
          expect(p.spec.rules).toEqual([{}]);
        }
        expect(customPolicyOverlaps(policies)).toEqual([]);
      }
      // The overlap check can fail: tools' selector widened to the agents' namespace and labels.
      const clash = structuredClone(ofKind(v.production, 'AuthorizationPolicy'));
      const verify = clash.find((p) => p.metadata.name === 'writ-verify')!;
      verify.metadata.namespace = 'agents';
      verify.spec.selector.matchLabels = {};
      expect(customPolicyOverlaps(clash)).toEqual(['writ-verify / writ-inbound in agents']);
      expect(selectorsCanOverlap({ a: '1' }, { a: '2' })).toBe(false);
    });

    it('ambient mode: waypoints and targetRefs instead of selectors and Sidecars', async () => {
      const docs = renderValues('ambient.yaml', { istio: { enabled: true, mode: 'ambient' } });
      expect(await validateWithModels(docs)).toEqual([]);
      expect(typeCheckManifests(docs)).toEqual([]);
      expect(ofKind(docs, 'Sidecar')).toEqual([]);
      const waypoints = ofKind(docs, 'Gateway').filter((g) => g.spec.gatewayClassName === 'istio-waypoint');
      expect(waypoints.map((w) => String(w.metadata.namespace)).sort()).toEqual(['agents', 'tools']);
      const byNs = ofKind(docs, 'AuthorizationPolicy').filter((p) => p.metadata.namespace !== 'istio-system');
      expect(byNs).toHaveLength(2);
      for (const p of byNs) {
        expect(p.spec.selector).toBeUndefined();
        expect(p.spec.targetRefs).toEqual([
          { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' },
        ]);
      }
    });

    it('inserts ext_proc as writ expects: request headers sent, bodies by mode_override, fail closed', () => {
      const filter = ofKind(v.production, 'EnvoyFilter')[0]!;
      const value = filter.spec.configPatches[0].patch.value;
      expect(
        checkMessage(
          new EnvoyProtoSet(),
          'envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter',
          value,
        ),
      ).toEqual([]);
      const tc = value.typed_config;
      expect(tc.failure_mode_allow).toBe(false);
      expect(tc.allow_mode_override).toBe(true);
      expect(tc.processing_mode.request_header_mode).toBe('SEND');
      const svcPorts = byName(ofKind(v.production, 'Service')[0]!.spec.ports);
      expect(tc.grpc_service.envoy_grpc.cluster_name).toBe(
        `outbound|${Number(svcPorts['grpc-extproc'].port)}||${String(providers['writ-check'].envoyExtAuthzGrpc.service)}`,
      );
      expect(svcPorts['grpc-extproc'].port).toBe(configOf(v.production).extprocPort);
    });
  });

  describe('refuses to render', () => {
    const prodFile = readYaml(chart('values-production.yaml'));
    const refusals: [string, Record<string, unknown>, string | RegExp][] = [
      ['3 replicas without Redis', { replicaCount: 3 }, 'replicaCount=3 needs redis.url'],
      [
        '2 replicas without a shared key',
        { replicaCount: 2, redis: { url: 'redis://redis:6379/0' } },
        'needs signer.local.existingSecret',
      ],
      [
        '3 replicas with key rotation on and no shared root',
        coalesce(prodFile, {
          autoscaling: { enabled: false },
          signer: { keyRotationS: 60, local: { existingSecret: '' } },
        }),
        'replicaCount=3 with signer.type=local and signer.keyRotationS=60 needs signer.local.existingSecret',
      ],
      [
        'aws-kms without its key',
        { signer: { type: 'aws-kms', keyRotationS: 300 } },
        'needs signer.awsKms.keyId and signer.awsKms.region',
      ],
      [
        'gcp-kms without its key',
        { signer: { type: 'gcp-kms', keyRotationS: 300 } },
        'needs signer.gcpKms.keyVersion',
      ],
      [
        'a KMS signer without rotation',
        {
          signer: {
            type: 'gcp-kms',
            gcpKms: { keyVersion: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1' },
          },
        },
        'needs signer.keyRotationS of at least 10',
      ],
      ['half an OIDC setup', { approvals: { oidc: { issuer: 'https://idp' } } }, 'must be set together'],
      [
        'a TSA without its CA',
        { audit: { tsa: { url: 'https://tsa.example' } } },
        'audit.tsa.url needs audit.tsa.caConfigMap or audit.tsa.caSecret',
      ],
      [
        'webhooks on several replicas without a shared HMAC secret',
        coalesce(prodFile, { approvals: { webhooks: { secret: { existingSecret: '' } } } }),
        'needs approvals.webhooks.secret.existingSecret',
      ],
      [
        'a syslog CA without a receiver',
        { siem: { syslog: { caConfigMap: 'ca' } } },
        'without siem.syslog.address',
      ],
      ['shadow mode without policies', { shadowPolicies: { enabled: true } }, 'shadowPolicies.enabled needs'],
      [
        'the ext_proc filter without the role',
        { roles: { extProc: false }, istio: { enabled: true, extProc: { enabled: true } } },
        'needs roles.extProc',
      ],
      [
        'ambient agents and tools in one namespace',
        { istio: { enabled: true, mode: 'ambient', tools: { namespace: 'agents' } } },
        'two CUSTOM providers on one workload',
      ],
      [
        'sidecar agents and tools whose selectors overlap',
        {
          istio: {
            enabled: true,
            tools: { namespace: 'agents', matchLabels: { 'writ.dev/role': null, app: 'x' } },
          },
        },
        'can select the same pod',
      ],
    ];
    it.each(refusals)('%s', (_name, values, message) => {
      expect(() => renderChart(bin!, valuesFile('bad.yaml', values))).toThrow(message);
    });

    it('but renders several replicas with key rotation on when they share a root: KMS or one local key', () => {
      const gcp = { keyVersion: 'projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1' };
      const aws = { keyId: 'arn:aws:kms:eu-west-1:111122223333:key/k', region: 'eu-west-1' };
      const roots: [string, Record<string, unknown>, boolean][] = [
        ['local, shared Secret', { type: 'local' }, true],
        ['local, key per pod', { type: 'local', local: { existingSecret: '' } }, false],
        ['gcp-kms', { type: 'gcp-kms', gcpKms: gcp }, true],
        ['aws-kms', { type: 'aws-kms', awsKms: aws }, true],
      ];
      for (const [name, signer, shared] of roots) {
        for (const scale of [{ autoscaling: { enabled: false }, replicaCount: 3 }, {}]) {
          const values = coalesce(prodFile, { ...scale, signer: { ...signer, keyRotationS: 300 } });
          const file = valuesFile('rotation.yaml', values);
          if (!shared) {
            expect(() => renderChart(bin!, file), name).toThrow(/needs signer.local.existingSecret/);
            continue;
          }
          const docs = render(file);
          const c = configOf(docs);
          // WRIT_KEY_ROTATION_S > 0 with several pods, accepted only over one root.
          expect(c.keyRotationS, name).toBe(300);
          expect(c.signer === 'local' ? c.signingKeyFile : c.signer, name).toBe(
            c.signer === 'local' ? '/etc/writ/signing/signing-key.pem' : signer['type'],
          );
        }
      }
    });

    it('but renders agents and tools in one namespace when their labels differ', () => {
      const docs = renderValues('one-ns.yaml', { istio: { enabled: true, tools: { namespace: 'agents' } } });
      expect(customPolicyOverlaps(ofKind(docs, 'AuthorizationPolicy'))).toEqual([]);
    });
  });
});
