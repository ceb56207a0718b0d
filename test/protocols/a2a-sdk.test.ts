/**
 * The official A2A SDK (@a2a-js/sdk client and express server, JSON-RPC binding) runs a full session
 * through a recording relay; every request it put on the wire goes to writ's check role and every
 * response to the ext_proc role, over real gRPC. Legitimate A2A traffic is never refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectA2a, runFullA2aSession } from './a2a-agent-session.js';
import { startTravelAgent, type TravelAgent } from './a2a-travel-agent.js';
import { startGovernedWrit, type GovernedWrit } from './governed-writ.js';
import { startRecordingRelay, type RecordedRequest, type RecordedResponse } from './recording-relay.js';
import { describeRequest, refusalsOf, type Refusal } from './refusals.js';

/** The travel agent's name inside the mesh; `/a2a/jsonrpc` there is an A2A endpoint of the default pack. */
const TRAVEL = 'travel.agents.svc.cluster.local';

let writ: GovernedWrit;
let agent: TravelAgent;
let recorded: { request: RecordedRequest; response: RecordedResponse }[] = [];
let refusals: Refusal[] = [];
let session: { texts: string[]; states: string[] };
beforeAll(async () => {
  writ = await startGovernedWrit();
  agent = await startTravelAgent();
  const relay = await startRecordingRelay(agent.url);
  try {
    agent.setPublicBase(relay.url);
    session = await runFullA2aSession(await connectA2a(relay.url));
    recorded = await relay.settled();
    refusals = (await refusalsOf(writ, relay, TRAVEL)).refusals;
  } finally {
    await relay.close();
  }
});
afterAll(async () => {
  await agent.close();
  await writ.stop();
});

describe('A2A SDK session over JSON-RPC', () => {
  it('is recorded whole: the card, sends (blocking and streamed), task reads, push configs, resubscribe, cancel', () => {
    expect(session.texts[0]).toMatch(/^Flight LH 1234/);
    expect(session.states).toContain('cancelled:5');
    expect(recorded.map((x) => describeRequest(x.request))).toEqual([
      'GET /.well-known/agent-card.json',
      'POST /a2a/jsonrpc SendMessage',
      'POST /a2a/jsonrpc SendStreamingMessage',
      'POST /a2a/jsonrpc GetTask',
      'POST /a2a/jsonrpc ListTasks',
      'POST /a2a/jsonrpc SendMessage',
      'POST /a2a/jsonrpc CreateTaskPushNotificationConfig',
      'POST /a2a/jsonrpc GetTaskPushNotificationConfig',
      'POST /a2a/jsonrpc ListTaskPushNotificationConfigs',
      'POST /a2a/jsonrpc DeleteTaskPushNotificationConfig',
      'POST /a2a/jsonrpc SubscribeToTask',
      'POST /a2a/jsonrpc CancelTask',
    ]);
    const streamed = recorded[2]!.response;
    expect(streamed.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(streamed.body.toString()).toContain('"artifactUpdate"');
  });

  it('is read by the A2A adapter, each call as the operation it is', async () => {
    const read = await Promise.all(recorded.map((x) => writ.decide(x.request, TRAVEL)));
    expect(read.map((d) => `${d.adapter}:${d.operation}`)).toEqual([
      'a2a:read',
      'a2a:send',
      'a2a:send',
      'a2a:read',
      'a2a:read',
      'a2a:send',
      'a2a:write',
      'a2a:read',
      'a2a:read',
      'a2a:delete',
      'a2a:read',
      'a2a:write',
    ]);
  });

  it('has no legitimate message refused, request or response', () => {
    expect(refusals).toEqual([]);
  });
});
