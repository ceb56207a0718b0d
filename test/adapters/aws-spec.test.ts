/**
 * The AWS family against its specification's own words (aws-sdk's service models, generated): every
 * operation of every covered service is classified by its name's verb, REST operations bound to DELETE are
 * deletes and those bound to GET are never writes read as deletes, and the unclassified ones are listed.
 */
import { describe, expect, it } from 'vitest';
import {
  AWS_SDK_VERSION,
  AWS_SERVICES,
} from '../../src/pipeline/normalize/adapters/generated/aws-services.js';
import { awsOperationClass } from '../../src/pipeline/normalize/adapters/aws-operations.js';
import { classifyOperationName } from '../../src/pipeline/normalize/api/operation-verbs.js';

describe(`aws table (aws-sdk ${AWS_SDK_VERSION})`, () => {
  it('classifies every operation by its verb and lists the ones it cannot', () => {
    const unclassified: string[] = [];
    const byClass: Record<string, number> = {};
    let total = 0;
    for (const s of AWS_SERVICES)
      for (const [name] of s.operations) {
        total++;
        const cls = classifyOperationName(name);
        if (cls === null) unclassified.push(`${s.endpointPrefix}:${name}`);
        else byClass[cls] = (byClass[cls] ?? 0) + 1;
      }
    console.log(
      `aws-sdk ${AWS_SDK_VERSION}: ${total} operations of ${AWS_SERVICES.length} services, ${total - unclassified.length} classified, ${unclassified.length} unclassified`,
      byClass,
    );
    expect(total).toBeGreaterThan(2500);
    expect(unclassified).toEqual([]);
  });

  it('agrees with the HTTP binding of every REST operation', () => {
    const disagree: string[] = [];
    for (const s of AWS_SERVICES)
      for (const [name, method] of s.operations) {
        if (method === undefined) continue;
        const cls = awsOperationClass(s.endpointPrefix, name);
        if (method === 'DELETE' && cls !== 'delete')
          disagree.push(`${method} ${s.endpointPrefix}:${name} ${cls}`);
        if ((method === 'GET' || method === 'HEAD') && cls !== 'read')
          disagree.push(`${method} ${s.endpointPrefix}:${name} ${cls}`);
      }
    // The GET-bound operations that are not reads say so in their own name (a GET that does something).
    expect(disagree.filter((d) => d.startsWith('DELETE'))).toEqual([]);
    for (const d of disagree) expect(d, d).not.toMatch(/ (?:Get|List|Describe|Head)\w* /);
  });

  it('reads every operation whose verb removes or terminates as a delete', () => {
    for (const s of AWS_SERVICES)
      for (const [name] of s.operations)
        if (/^(?:Delete|Terminate|Remove|Purge|Deregister|Stop)[A-Z]/.test(name))
          expect(awsOperationClass(s.endpointPrefix, name), `${s.endpointPrefix}:${name}`).toBe('delete');
  });

  it('reads every change to IAM as administration (or a delete)', () => {
    const iam = AWS_SERVICES.find((s) => s.endpointPrefix === 'iam')!;
    for (const [name] of iam.operations) {
      const cls = awsOperationClass('iam', name);
      expect(['read', 'admin', 'delete'].includes(cls), name).toBe(true);
    }
  });

  it('reads an operation a covered model does not define as a delete', () => {
    expect(awsOperationClass('ec2', 'DescribeInstancesV9')).toBe('delete');
    expect(awsOperationClass('iam', 'ListUsersAndGrantAdmin')).toBe('delete');
  });
});
