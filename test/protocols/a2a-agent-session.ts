/**
 * One full A2A session driven by the official @a2a-js/sdk client: the agent card, a blocking send, a
 * streamed send, task reads, a task kept open, resubscribed to and cancelled, and the push-notification
 * config methods.
 */
import { randomUUID } from 'node:crypto';
import type { Message, Part, Task } from '@a2a-js/sdk';
import { ClientFactory, type Client } from '@a2a-js/sdk/client';

/** A user message with a text part, a data part and a file part (by URL). */
export function userMessage(text: string, taskId = ''): Message {
  const part = (content: NonNullable<Part['content']>, mediaType = '', filename = ''): Part => ({
    content,
    metadata: undefined,
    filename,
    mediaType,
  });
  return {
    messageId: randomUUID(),
    contextId: '',
    taskId,
    role: 1,
    parts: [
      part({ $case: 'text', value: text }),
      part({ $case: 'data', value: { travellers: 2, budget: { amount: 900, currency: 'EUR' } } }),
      part({ $case: 'url', value: 'https://files.acme.com/passport-scan.png' }, 'image/png', 'passport.png'),
    ],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

const send = (text: string, returnImmediately = false) => ({
  tenant: '',
  message: userMessage(text),
  configuration: {
    acceptedOutputModes: ['text/plain', 'application/json'],
    taskPushNotificationConfig: undefined,
    returnImmediately,
  },
  metadata: undefined,
});

/** Connects as an A2A client would: the agent card first, then the interface it names. */
export async function connectA2a(base: string): Promise<Client> {
  return new ClientFactory().createFromUrl(base);
}

/** Every legitimate client call, in a plausible order; returns the texts the agent answered with. */
export async function runFullA2aSession(client: Client): Promise<{ texts: string[]; states: string[] }> {
  const texts: string[] = [];
  const states: string[] = [];
  const textsOf = (parts: readonly Part[]) => {
    for (const p of parts) if (p.content?.$case === 'text') texts.push(p.content.value);
  };
  const sent = await client.sendMessage(send('Book me a trip to Lisbon next Tuesday.'));
  const task = sent as Task;
  for (const a of task.artifacts ?? []) textsOf(a.parts);
  states.push(String(task.status?.state));
  for await (const event of client.sendMessageStream(send('And a rental car in Lisbon, please.'))) {
    const p = event.payload;
    if (p?.$case === 'artifactUpdate') textsOf(p.value.artifact?.parts ?? []);
    if (p?.$case === 'statusUpdate') states.push(String(p.value.status?.state));
  }
  const got = await client.getTask({ tenant: '', id: task.id, historyLength: 10 });
  states.push(String(got.status?.state));
  await client.listTasks({
    tenant: '',
    contextId: '',
    status: 0,
    pageSize: 10,
    pageToken: '',
    historyLength: 0,
    statusTimestampAfter: undefined,
    includeArtifacts: false,
  });
  const open = (await client.sendMessage(send('Find a hotel but keep the task open for now.', true))) as Task;
  const config = {
    tenant: '',
    id: 'cfg-1',
    taskId: open.id,
    url: 'https://hooks.acme.com/a2a/updates',
    token: 'tok-123',
    authentication: undefined,
  };
  await client.createTaskPushNotificationConfig(config);
  await client.getTaskPushNotificationConfig({ tenant: '', taskId: open.id, id: 'cfg-1' });
  await client.listTaskPushNotificationConfig({ tenant: '', taskId: open.id, pageSize: 10, pageToken: '' });
  await client.deleteTaskPushNotificationConfig({ tenant: '', taskId: open.id, id: 'cfg-1' });
  const resubscribed = (async () => {
    for await (const event of client.resubscribeTask({ tenant: '', id: open.id })) {
      const p = event.payload;
      if (p?.$case === 'statusUpdate') states.push(`resubscribed:${String(p.value.status?.state)}`);
    }
  })();
  const cancelled = await client.cancelTask({ tenant: '', id: open.id, metadata: undefined });
  states.push(`cancelled:${String(cancelled.status?.state)}`);
  await resubscribed;
  return { texts, states };
}
