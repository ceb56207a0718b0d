/** destructive-op: SQL without key filters, DROP/TRUNCATE/ALTER/GRANT, shell, git, cloud and Kubernetes deletes. */
import { describe, expect, it } from 'vitest';
import { destructiveOpInspector as insp } from '../../src/pipeline/inspect/inspectors/destructive-op.js';
import { ids, runArgs, runOn } from './inspect-helpers.js';

describe('destructive-op: SQL', () => {
  it('reports a DELETE whose filter is not on a key column as a low bulk-write signal', () => {
    const f = runArgs(insp, 'query_db', { query: "DELETE FROM users WHERE tenant='prod'" });
    expect(ids(f)).toEqual(['destructive-op.sql-bulk-write']);
    expect(f[0]?.severity).toBe('low');
    expect(f[0]?.path).toBe('$.action.arguments.query');
  });
  it('passes a keyed SELECT, DELETE and UPDATE', () => {
    expect(runArgs(insp, 'query_db', { query: 'SELECT id, status FROM orders WHERE id = 42' })).toEqual([]);
    expect(runArgs(insp, 'query_db', { sql: 'DELETE FROM orders WHERE id = 42' })).toEqual([]);
    expect(
      runArgs(insp, 'query_db', { sql: 'UPDATE orders SET status = $1 WHERE order_id IN (1, 2)' }),
    ).toEqual([]);
  });
  it('treats OR with a non-key branch as unbounded', () => {
    expect(ids(runArgs(insp, 'query_db', { sql: 'DELETE FROM t WHERE id = 1 OR 1 = 1' }))).toEqual([
      'destructive-op.sql-delete-without-key',
    ]);
  });
  it('flags DELETE without WHERE as critical, and DROP, TRUNCATE, GRANT, ALTER', () => {
    const f = runArgs(insp, 'db.exec', {
      statement: 'DELETE FROM y; DROP TABLE x; TRUNCATE z; GRANT ALL ON a TO b; ALTER TABLE c DROP COLUMN d',
    });
    expect(ids(f)).toEqual([
      'destructive-op.sql-delete-without-key',
      'destructive-op.sql-drop',
      'destructive-op.sql-truncate',
      'destructive-op.sql-grant',
      'destructive-op.sql-alter',
    ]);
    expect(f[0]?.severity).toBe('critical');
  });
  it('finds SQL in a nested leaf whose text parses as SQL', () => {
    const f = runArgs(insp, 'run', { steps: [{ text: 'DROP DATABASE customers' }] });
    expect(f[0]?.path).toBe('$.action.arguments.steps[0].text');
  });
  it('keeps a bulk write low on production (policy decides) and raises DROP to critical there', () => {
    const bulk = runOn(insp, {
      action: { arguments: { sql: 'UPDATE users SET plan = 1 WHERE email = $1' } },
      resource: { database: 'prod' },
    });
    expect(bulk[0]?.severity).toBe('low');
    const alter = runOn(insp, {
      action: { arguments: { sql: 'ALTER TABLE users ADD COLUMN note text' } },
      resource: { database: 'prod' },
    });
    expect(alter[0]?.severity).toBe('critical');
  });
  it('treats UPDATE without WHERE and a tautological WHERE as critical', () => {
    for (const sql of [
      'UPDATE accounts SET active = false',
      'DELETE FROM t WHERE 1=1',
      "UPDATE t SET a = 1 WHERE 'a'='a'",
    ]) {
      const f = runArgs(insp, 'db.query', { sql });
      expect(f[0]?.severity, sql).toBe('critical');
    }
  });
  it('falls back to a lexical reading when the parser rejects the dialect', () => {
    expect(ids(runArgs(insp, 'q', { sql: 'DELETE FROM t WHERE name LIKE $$x$$ RETURNING ~~~' }))).toEqual([
      'destructive-op.sql-bulk-write',
    ]);
    expect(ids(runArgs(insp, 'q', { sql: 'DELETE FROM t WHERE 1=1 RETURNING ~~~' }))).toEqual([
      'destructive-op.sql-delete-without-key',
    ]);
  });
});

describe('destructive-op: shell, git, cloud', () => {
  const shell = (command: string) => ids(runArgs(insp, 'shell.exec', { command }));
  it('flags rm -rf on system targets, mkfs, dd to a device, chmod -R 777 /', () => {
    expect(shell('rm -rf /')).toEqual(['destructive-op.shell-rm-recursive']);
    expect(shell('sudo rm -rf --no-preserve-root /')).toEqual(['destructive-op.shell-rm-recursive']);
    expect(shell('mkfs.ext4 /dev/sdb1')).toEqual(['destructive-op.shell-disk-format']);
    expect(shell('dd if=/dev/zero of=/dev/sda bs=1M')).toEqual(['destructive-op.shell-device-write']);
    expect(shell('chmod -R 777 /')).toEqual(['destructive-op.shell-permission-change']);
    expect(shell('echo hi > /dev/sda')).toEqual(['destructive-op.shell-device-write']);
  });
  it('reads commands inside bash -c and after separators', () => {
    expect(shell('cd /tmp && bash -c "rm -rf ~"')).toEqual(['destructive-op.shell-rm-recursive']);
  });
  it('flags force pushes to protected branches as critical', () => {
    const f = runArgs(insp, 'shell.exec', { command: 'git push --force origin main' });
    expect(ids(f)).toEqual(['destructive-op.git-force-push']);
    expect(f[0]?.severity).toBe('critical');
    expect(runArgs(insp, 'shell.exec', { command: 'git push -f origin feature/x' })[0]?.severity).toBe(
      'medium',
    );
    expect(shell('git push origin main')).toEqual([]);
  });
  it('flags cloud and Kubernetes deletes', () => {
    expect(shell('kubectl delete namespace payments')).toEqual(['destructive-op.k8s-delete']);
    expect(shell('aws s3 rm s3://bucket --recursive')).toEqual(['destructive-op.cloud-delete']);
    expect(shell('terraform destroy -auto-approve')).toEqual(['destructive-op.cloud-delete']);
    expect(shell('gcloud compute instances delete vm-1')).toEqual(['destructive-op.cloud-delete']);
  });
  it('passes everyday commands', () => {
    for (const c of [
      'ls -la',
      'rm file.txt',
      'git status',
      'kubectl get pods',
      'dd if=a.img of=b.img',
      'chmod 644 a.txt',
    ])
      expect(shell(c)).toEqual([]);
  });
  it('ignores shell-looking text outside command leaves', () => {
    expect(runArgs(insp, 'email.send', { body: 'please do not run rm -rf / on prod' })).toEqual([]);
  });
});
