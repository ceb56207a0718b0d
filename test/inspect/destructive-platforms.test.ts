/** destructive-op beyond SQL and rm: Kubernetes, Terraform, cloud IAM, MongoDB, Redis and code-host API deletes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { destructiveOpInspector as insp } from '../../src/pipeline/inspect/inspectors/destructive-op.js';
import { ids, runArgs, runOn } from './inspect-helpers.js';

const shell = (command: string) => ids(runArgs(insp, 'shell.exec', { command }));

describe('destructive-op: platform commands', () => {
  const hostile: readonly [string, string][] = [
    ['kubectl scale deploy/api --replicas=0 -n prod', 'k8s-scale-to-zero'],
    ['kubectl -n prod scale statefulset db --replicas 0', 'k8s-scale-to-zero'],
    ['terraform apply -auto-approve', 'cloud-unreviewed-apply'],
    ['tofu apply --auto-approve -var env=prod', 'cloud-unreviewed-apply'],
    [
      'aws iam attach-user-policy --user-name x --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
      'cloud-iam-change',
    ],
    ['aws iam create-access-key --user-name ci', 'cloud-iam-change'],
    ['aws ec2 stop-instances --instance-ids i-0abc', 'cloud-stop'],
    ['gcloud projects add-iam-policy-binding p --member user:x@y.z --role roles/owner', 'cloud-iam-change'],
    ['az role assignment create --assignee x --role Owner', 'cloud-iam-change'],
    ['az vm deallocate -g rg -n vm1', 'cloud-stop'],
    ['redis-cli -h cache -a pw FLUSHALL', 'datastore-flush'],
    ['redis-cli config set dir /var/spool/cron', 'datastore-config-change'],
    ['mongosh prod --eval "db.users.deleteMany({})"', 'datastore-delete-all'],
    ["mongosh --eval 'db.dropDatabase()'", 'datastore-drop'],
    ['gh repo delete acme/api --yes', 'repository-delete'],
  ];
  for (const [command, kind] of hostile)
    it(`flags ${kind}: ${command.slice(0, 40)}`, () => {
      expect(shell(command)).toContain(`destructive-op.${kind}`);
    });

  it('passes routine commands of the same tools', () => {
    for (const command of [
      'kubectl scale deploy/api --replicas=3',
      'terraform apply plan.tfplan',
      'terraform plan',
      'aws iam list-users',
      'aws ec2 describe-instances',
      'redis-cli -h cache GET session:1',
      'mongosh --eval "db.users.find({})"',
      'gh repo view acme/api',
    ])
      expect(shell(command), command).toEqual([]);
  });

  it('reads Redis command words whatever their case and the options before them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('flushall', 'FlushDB', 'FLUSHALL'),
        fc.subarray(['-h cache', '-p 6380', '-n 2', '--tls']),
        (cmd, opts) => {
          expect(shell(`redis-cli ${opts.join(' ')} ${cmd}`)).toContain('destructive-op.datastore-flush');
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('destructive-op: datastore tools and code-host APIs', () => {
  it('judges the command text a MongoDB or Redis tool receives', () => {
    expect(ids(runArgs(insp, 'mongodb.run', { script: 'db.orders.remove({ })' }))).toEqual([
      'destructive-op.datastore-delete-all',
    ]);
    expect(ids(runArgs(insp, 'redis_command', { command: 'FLUSHDB' }))).toEqual([
      'destructive-op.datastore-flush',
    ]);
    expect(runArgs(insp, 'mongodb.run', { script: 'db.orders.deleteMany({ status: "void" })' })).toEqual([]);
    expect(runArgs(insp, 'notes.write', { text: 'never run FLUSHALL or db.dropDatabase() on prod' })).toEqual(
      [],
    );
  });

  it('flags DELETE of a repository, project or branch on GitHub and GitLab APIs', () => {
    const del = (host: string, path: string, method = 'DELETE') =>
      ids(
        runOn(insp, {
          action: { tool: `${method} ${host}`, httpMethod: method, arguments: {} },
          resource: { host, path },
        }),
      );
    expect(del('api.github.com', '/repos/acme/api')).toEqual(['destructive-op.repository-delete']);
    expect(del('ghe.corp', '/api/v3/repos/acme/api')).toEqual(['destructive-op.repository-delete']);
    expect(del('gitlab.com', '/api/v4/projects/acme%2Fapi')).toEqual(['destructive-op.repository-delete']);
    expect(del('api.github.com', '/repos/acme/api/git/refs/heads/main')).toEqual([
      'destructive-op.repository-branch-delete',
    ]);
    expect(del('api.github.com', '/repos/acme/api', 'GET')).toEqual([]);
    expect(del('api.github.com', '/repos/acme/api/issues/1/labels/bug')).toEqual([]);
  });
});
