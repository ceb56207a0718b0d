/**
 * An A2A agent built with the official @a2a-js/sdk (express JSON-RPC binding, agent card handler), for
 * protocol tests: it answers a message with a task that streams status updates and an artifact (text,
 * data and file parts), keeps a task open on request so it can be cancelled, and stores push configs.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { AGENT_CARD_PATH, type AgentCard, type Part, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryPushNotificationStore,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';

/** Where the agent's JSON-RPC binding is mounted: an A2A endpoint of the default policy pack. */
export const A2A_PATH = '/a2a/jsonrpc';

/** What the agent's artifacts say: ordinary content, or content carrying a planted instruction. */
export interface ItineraryContent {
  readonly summary: string;
}

export const CLEAN_ITINERARY: ItineraryContent = {
  summary:
    'Flight LH 1234 Munich to Lisbon, Tuesday 09:40; hotel Alfama Rio, two nights, breakfast included.',
};

const part = (content: NonNullable<Part['content']>, mediaType = '', filename = ''): Part => ({
  content,
  metadata: undefined,
  filename,
  mediaType,
});

class TravelExecutor implements AgentExecutor {
  private readonly open = new Map<string, ExecutionEventBus>();
  constructor(private readonly content: () => ItineraryContent) {}

  async execute(ctx: Parameters<AgentExecutor['execute']>[0], bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId } = ctx;
    const asked = ctx.userMessage.parts
      .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
      .join(' ');
    const status = (state: TaskState, text?: string) =>
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          timestamp: new Date().toISOString(),
          message:
            text === undefined
              ? undefined
              : {
                  messageId: `${taskId}-${state}`,
                  contextId,
                  taskId,
                  role: 2,
                  parts: [part({ $case: 'text', value: text })],
                  metadata: undefined,
                  extensions: [],
                  referenceTaskIds: [],
                },
        },
        metadata: undefined,
      });
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        artifacts: [],
        history: [ctx.userMessage],
        metadata: undefined,
      }),
    );
    bus.publish(status(TaskState.TASK_STATE_WORKING, 'Looking for flights and hotels.'));
    if (asked.includes('keep the task open')) {
      // Held open until tasks/cancel: cancelTask publishes the final status on this bus.
      this.open.set(taskId, bus);
      return;
    }
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: {
          artifactId: 'itinerary',
          name: 'itinerary',
          description: 'The booked itinerary',
          parts: [
            part({ $case: 'text', value: this.content().summary }, 'text/plain'),
            part({
              $case: 'data',
              value: { flight: 'LH1234', nights: 2, total: { amount: 812, currency: 'EUR' } },
            }),
            part(
              { $case: 'url', value: 'https://files.travel.example/itinerary-7.pdf' },
              'application/pdf',
              'itinerary.pdf',
            ),
          ],
          metadata: undefined,
          extensions: [],
        },
        append: false,
        lastChunk: true,
        metadata: undefined,
      }),
    );
    bus.publish(status(TaskState.TASK_STATE_COMPLETED, 'Your trip is booked.'));
    bus.finished();
    return Promise.resolve();
  }

  cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const held = this.open.get(taskId) ?? bus;
    this.open.delete(taskId);
    held.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        metadata: undefined,
      }),
    );
    held.finished();
    return Promise.resolve();
  }
}

export interface TravelAgent {
  readonly url: string;
  /** Points the card's interfaces at `base` (the relay the client reaches the agent through). */
  setPublicBase(base: string): void;
  setContent(next: ItineraryContent): void;
  close(): Promise<void>;
}

/** Starts the travel agent on loopback. */
export async function startTravelAgent(): Promise<TravelAgent> {
  let content = CLEAN_ITINERARY;
  const card: AgentCard = {
    name: 'travel agent',
    description: 'Books flights and hotels.',
    supportedInterfaces: [{ url: '', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: '1.0.0',
    capabilities: { streaming: true, pushNotifications: true, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain', 'application/json'],
    skills: [
      {
        id: 'book-trip',
        name: 'Book a trip',
        description: 'Finds and books flights and hotels.',
        tags: ['travel'],
        examples: ['Book me a trip to Lisbon'],
        inputModes: [],
        outputModes: [],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(
    card,
    new InMemoryTaskStore(),
    new TravelExecutor(() => content),
    undefined,
    new InMemoryPushNotificationStore(),
  );
  const app = express();
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use(A2A_PATH, jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setPublicBase(base) {
      card.supportedInterfaces[0]!.url = `${base}${A2A_PATH}`;
    },
    setContent(next) {
      content = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
