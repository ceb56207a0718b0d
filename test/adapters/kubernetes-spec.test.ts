/**
 * The Kubernetes family against its specification's own words: every kind kubernetes-models ships is a
 * resource the path reading knows, under the resource name the API server serves it at, and every verb of
 * every built-in resource is classified (none left unclassified, none a read unless the verb reads).
 */
import { describe, expect, it } from 'vitest';
import { KUBERNETES_KINDS } from '../../src/pipeline/normalize/adapters/generated/kubernetes-kinds.js';
import { kubernetesFamily } from '../../src/pipeline/normalize/adapters/kubernetes.js';
import {
  isBuiltinResource,
  kindToResource,
} from '../../src/pipeline/normalize/adapters/kubernetes-resources.js';

const request = (method: string, pathname: string) => ({
  method,
  host: 'kubernetes.default.svc',
  pathname,
  query: {},
  contentType: '',
  body: null,
  bodyIsJson: false,
});

/** Resource names as `kubectl api-resources` (Kubernetes 1.33) prints them, for kinds whose plural is irregular. */
const SERVED_AS: Readonly<Record<string, string>> = {
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  StorageClass: 'storageclasses',
  PodSecurityPolicy: 'podsecuritypolicies',
  IngressClass: 'ingressclasses',
  ComponentStatus: 'componentstatuses',
  Pod: 'pods',
  CustomResourceDefinition: 'customresourcedefinitions',
};

describe('kubernetes table (kubernetes-models)', () => {
  it('derives the served resource name of every kind', () => {
    for (const [kind, resource] of Object.entries(SERVED_AS))
      expect(kindToResource(kind), kind).toBe(resource);
  });

  it('classifies every verb of every built-in resource, and reports the counts', () => {
    const verbs: Array<[string, boolean, string]> = [
      ['GET', false, 'read'],
      ['GET', true, 'read'],
      ['POST', false, 'write'],
      ['PUT', true, 'write'],
      ['PATCH', true, 'write'],
      ['DELETE', true, 'delete'],
      ['DELETE', false, 'delete'],
    ];
    let classified = 0;
    const unclassified: string[] = [];
    for (const [group, version, kind] of KUBERNETES_KINDS) {
      const resource = kindToResource(kind);
      expect(isBuiltinResource(group, resource)).toBe(true);
      const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
      for (const [method, named, byVerb] of verbs) {
        const reading = kubernetesFamily.readRequest(
          request(method, `${base}/${resource}${named ? '/x' : ''}`),
        );
        if (reading.apiOperation === null) unclassified.push(`${method} ${group}/${resource}`);
        else classified++;
        // The specification's own verb: reads read, deletes delete, writes never read (admin may raise them).
        if (byVerb === 'read') expect(reading.operation, `${method} ${resource}`).toBe('read');
        else if (byVerb === 'delete') expect(reading.operation, `${method} ${resource}`).toBe('delete');
        else
          expect(['write', 'admin', 'read'].includes(reading.operation), `${method} ${resource}`).toBe(true);
      }
    }
    console.log(
      `kubernetes-models: ${KUBERNETES_KINDS.length} kinds, ${classified} operations classified, ${unclassified.length} unclassified`,
    );
    expect(unclassified).toEqual([]);
    expect(classified).toBe(KUBERNETES_KINDS.length * verbs.length);
  });

  it('reads the RBAC and review groups by what they do, not by their verb alone', () => {
    const rbac = KUBERNETES_KINDS.filter(([g]) => g === 'rbac.authorization.k8s.io');
    expect(rbac.length).toBeGreaterThan(0);
    for (const [g, v, kind] of rbac)
      expect(
        kubernetesFamily.readRequest(request('POST', `/apis/${g}/${v}/${kindToResource(kind)}`)).operation,
      ).toBe('admin');
    // A SelfSubjectAccessReview is created to ask a question: it changes nothing.
    expect(
      kubernetesFamily.readRequest(request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'))
        .operation,
    ).toBe('read');
  });
});
