/**
 * One full MCP session driven by the official @modelcontextprotocol/sdk client: every message kind a
 * client sends, and the answers it gives to the server's own requests (sampling, elicitation, roots).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

export type McpTransportKind = 'streamable-http' | 'sse';

/** A connected SDK client and the way its host ends the session. */
export interface McpAgent {
  readonly client: Client;
  /** Ends the session as the SDK does: DELETE of the session (Streamable HTTP), then close. */
  end(): Promise<void>;
}

/** A connected SDK client with sampling, elicitation and roots answered as a host application would. */
export async function connectAgent(base: string, kind: McpTransportKind): Promise<McpAgent> {
  const client = new Client(
    { name: 'agent', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, () => ({
    role: 'assistant',
    model: 'test-model',
    content: { type: 'text', text: 'Most buyers like the kettle; some find the lid stiff.' },
  }));
  client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { confirm: true } }));
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: 'file:///project', name: 'project' }],
  }));
  const transport =
    kind === 'streamable-http'
      ? new StreamableHTTPClientTransport(new URL(`${base}/mcp`))
      : new SSEClientTransport(new URL(`${base}/sse`));
  await client.connect(transport);
  return {
    client,
    async end() {
      if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession();
      await client.close();
    },
  };
}

/** Every legitimate client message, in a plausible order; returns what a few of them answered. */
export async function runFullMcpSession(client: Client): Promise<{ tools: string[]; texts: string[] }> {
  const texts: string[] = [];
  const textOf = (r: unknown) => {
    const content = (r as { content?: { type: string; text?: string }[] }).content ?? [];
    return content.map((c) => c.text ?? '').join('');
  };
  await client.ping();
  const { tools } = await client.listTools();
  await client.setLoggingLevel('info');
  texts.push(textOf(await client.callTool({ name: 'search_products', arguments: { query: 'kettle' } })));
  texts.push(textOf(await client.callTool({ name: 'read_inbox', arguments: { folder: 'inbox' } })));
  texts.push(textOf(await client.callTool({ name: 'list_events', arguments: { day: '2026-01-06' } })));
  texts.push(textOf(await client.callTool({ name: 'get_issue_comments', arguments: { issue: 42 } })));
  await client.listResources();
  await client.listResourceTemplates();
  texts.push(JSON.stringify(await client.readResource({ uri: 'file:///project/README.md' })));
  texts.push(JSON.stringify(await client.readResource({ uri: 'shop://products/kt-17' })));
  await client.listPrompts();
  await client.getPrompt({ name: 'review_summary', arguments: { product: 'kettle' } });
  await client.complete({
    ref: { type: 'ref/prompt', name: 'review_summary' },
    argument: { name: 'product', value: 'ke' },
  });
  // Server-to-client requests: the client answers each with a JSON-RPC response it POSTs back.
  texts.push(textOf(await client.callTool({ name: 'summarize_reviews', arguments: { product: 'kettle' } })));
  texts.push(textOf(await client.callTool({ name: 'confirm_order', arguments: { item: 'kettle' } })));
  texts.push(textOf(await client.callTool({ name: 'list_workspace', arguments: {} })));
  await client.sendRootsListChanged();
  return { tools: tools.map((t) => t.name), texts };
}
