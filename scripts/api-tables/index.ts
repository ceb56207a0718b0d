/** Every generated API table, one per description. */
import { awsTable } from './aws.js';
import { githubGraphqlTable } from './github-graphql.js';
import { githubRestTable } from './github-rest-table.js';
import { gitlabRestTable } from './gitlab-rest-table.js';
import { gmailTable } from './gmail-table.js';
import { jiraTable } from './jira.js';
import { kubernetesTable } from './kubernetes.js';
import { linearTable } from './linear.js';
import { redisTable } from './redis.js';
import { slackTable } from './slack.js';
import { stripeTable } from './stripe.js';
import type { ApiTable } from './table.js';

export const API_TABLES: readonly ApiTable[] = [
  githubRestTable,
  githubGraphqlTable,
  gitlabRestTable,
  gmailTable,
  kubernetesTable,
  stripeTable,
  awsTable,
  redisTable,
  jiraTable,
  linearTable,
  slackTable,
];
