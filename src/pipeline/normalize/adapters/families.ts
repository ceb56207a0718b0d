/**
 * The typed API families (docs/adapters.md), one file each. The registry (index.ts) claims HTTP requests by
 * their hosts; the MCP adapter asks them about tool calls (api/tool-call.ts). More specific families first.
 */
import type { ApiFamily } from '../api/api-family.js';
import { awsFamily } from './aws.js';
import { azureFamily } from './azure.js';
import { databasesFamily } from './databases.js';
import { githubGraphqlFamily } from './github-graphql.js';
import { githubRestFamily } from './github-rest.js';
import { gitlabRestFamily } from './gitlab-rest.js';
import { gmailFamily } from './gmail.js';
import { googleCloudFamily } from './google-cloud.js';
import { graphMailFamily } from './graph-mail.js';
import { jiraFamily } from './jira.js';
import { kubernetesFamily } from './kubernetes.js';
import { linearFamily } from './linear.js';
import { mailToolsFamily } from './mail-tools.js';
import { s3Family } from './s3.js';
import { sendgridFamily } from './sendgrid.js';
import { slackFamily } from './slack.js';
import { stripeFamily } from './stripe.js';

/** Every typed API family, in the order the registry asks them. */
export const API_FAMILIES: readonly ApiFamily[] = [
  // GitHub GraphQL (`api.github.com/graphql`) before GitHub REST, which claims the rest of the host.
  githubGraphqlFamily,
  githubRestFamily,
  gitlabRestFamily,
  // Gmail (`gmail.googleapis.com`) before Google Cloud, which claims `*.googleapis.com`.
  gmailFamily,
  graphMailFamily,
  sendgridFamily,
  mailToolsFamily,
  // EKS clusters (`*.eks.amazonaws.com`) and S3 endpoints before the AWS family, which claims `*.amazonaws.com`.
  kubernetesFamily,
  s3Family,
  awsFamily,
  googleCloudFamily,
  azureFamily,
  stripeFamily,
  databasesFamily,
  jiraFamily,
  linearFamily,
  slackFamily,
];
