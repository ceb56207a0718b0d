/**
 * The Jira family against its specification's own words (every request of the jira.js client, generated):
 * GET reads, DELETE deletes, and POST/PUT by the client function's verb; those whose verb says nothing are
 * listed (they are left out of the table, so writ reads them as unknown operations, never as reads).
 */
import { describe, expect, it } from 'vitest';
import { JIRA_OPERATIONS, JIRA_SOURCE } from '../../src/pipeline/normalize/adapters/generated/jira-routes.js';
import { jiraOperationClass } from '../../src/pipeline/normalize/adapters/jira.js';

describe(`jira table (${JIRA_SOURCE})`, () => {
  it('classifies the operations, agrees with their methods, and lists the unclassified', () => {
    const unclassified: string[] = [];
    for (const [method, , id] of JIRA_OPERATIONS) {
      const cls = jiraOperationClass(method, id);
      if (cls === null) unclassified.push(id);
      if (method === 'GET') expect(cls, id).toBe('read');
      if (method === 'DELETE') expect(cls, id).toBe('delete');
    }
    console.log(
      `${JIRA_SOURCE}: ${JIRA_OPERATIONS.length} operations, ${JIRA_OPERATIONS.length - unclassified.length} classified, ${unclassified.length} unclassified:`,
      unclassified.join(' '),
    );
    expect(JIRA_OPERATIONS.length).toBeGreaterThan(500);
    expect(unclassified).toEqual([
      'appMigration.workflowRuleSearch',
      'projectRoles.partialUpdateProjectRole',
      'request.performCustomerTransition',
    ]);
  });
});
