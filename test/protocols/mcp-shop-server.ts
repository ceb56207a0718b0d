/**
 * An MCP server built with the official @modelcontextprotocol/sdk, for protocol tests: tools that read
 * (product reviews, an inbox, a calendar, issue comments) and one that sends, a resource, a prompt with
 * completion, and tools that ask the client back (sampling, elicitation, roots). Served on loopback over
 * Streamable HTTP (`/mcp`) and the older HTTP+SSE transport (`GET /sse`, `POST /messages`).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** What the read tools return: ordinary content, or content carrying a planted instruction. */
export interface ShopContent {
  readonly reviews: string;
  readonly inbox: string;
  readonly calendar: string;
  readonly comments: string;
}

/** Ordinary tool results, nothing addressed to the assistant. */
export const CLEAN_CONTENT: ShopContent = {
  reviews:
    'Rated 4/5 by Maria: the kettle boils fast and the handle stays cool; the lid is a bit stiff at first.',
  inbox:
    'From: jo@acme.com. Subject: lunch. Body: are we still on for Thursday at noon? I booked the usual place.',
  calendar: 'Event: quarterly planning, Tuesday 10:00-11:30, room 4B, organiser Priya.',
  comments:
    'Comment by devon: reproduced on 2.3.1, the crash happens only when the cache directory is empty.',
};

function mcpServer(content: () => ShopContent): McpServer {
  const server = new McpServer({ name: 'shop', version: '1.0.0' }, { capabilities: { logging: {} } });
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });
  server.registerTool(
    'search_products',
    { description: 'Searches the catalogue and returns reviews.', inputSchema: { query: z.string() } },
    () => text(content().reviews),
  );
  server.registerTool(
    'read_inbox',
    { description: 'Reads the newest e-mail.', inputSchema: { folder: z.string() } },
    () => text(content().inbox),
  );
  server.registerTool(
    'list_events',
    { description: 'Lists calendar events for a day.', inputSchema: { day: z.string() } },
    () => text(content().calendar),
  );
  server.registerTool(
    'get_issue_comments',
    { description: 'Returns the comments of an issue.', inputSchema: { issue: z.number() } },
    () => text(content().comments),
  );
  server.registerTool(
    'send_email',
    {
      description: 'Sends an e-mail.',
      inputSchema: { to: z.string(), subject: z.string(), body: z.string() },
    },
    ({ to }) => text(`sent to ${to}`),
  );
  server.registerTool(
    'summarize_reviews',
    {
      description: 'Summarises reviews with the client model (sampling).',
      inputSchema: { product: z.string() },
    },
    async ({ product }) => {
      const r = await server.server.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: `Summarise the reviews of ${product}.` } }],
        maxTokens: 100,
      });
      return text(r.content.type === 'text' ? r.content.text : '');
    },
  );
  server.registerTool(
    'confirm_order',
    { description: 'Asks the user to confirm an order (elicitation).', inputSchema: { item: z.string() } },
    async ({ item }) => {
      const r = await server.server.elicitInput({
        message: `Confirm the order of ${item}?`,
        requestedSchema: {
          type: 'object',
          properties: { confirm: { type: 'boolean', description: 'Place the order' } },
          required: ['confirm'],
        },
      });
      return text(r.action === 'accept' ? 'order placed' : 'order not placed');
    },
  );
  server.registerTool(
    'list_workspace',
    { description: 'Lists the client roots.', inputSchema: {} },
    async () => {
      const r = await server.server.listRoots();
      return text(r.roots.map((root) => root.uri).join('\n'));
    },
  );
  server.registerResource(
    'readme',
    'file:///project/README.md',
    { description: 'The project README', mimeType: 'text/markdown' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Shop\nA kettle shop.' }] }),
  );
  server.registerResource(
    'product',
    new ResourceTemplate('shop://products/{sku}', { list: undefined }),
    { description: 'One product' },
    (uri, { sku }) => ({ contents: [{ uri: uri.href, text: `product ${String(sku)}: kettle, 1.7 l` }] }),
  );
  server.registerPrompt(
    'review_summary',
    {
      description: 'Summarise the reviews of a product.',
      argsSchema: {
        product: completable(z.string(), (v) => ['kettle', 'toaster'].filter((p) => p.startsWith(v))),
      },
    },
    ({ product }) => ({
      messages: [{ role: 'user', content: { type: 'text', text: `Summarise the reviews of ${product}.` } }],
    }),
  );
  return server;
}

export interface ShopServer {
  readonly url: string;
  /** Which content the read tools return from now on. */
  setContent(next: ShopContent): void;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length === 0 ? undefined : (JSON.parse(text) as unknown);
}

/** Starts the shop server on loopback, both transports. */
export async function startShopServer(): Promise<ShopServer> {
  let content = CLEAN_CONTENT;
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/mcp') {
      const id = req.headers['mcp-session-id'];
      const known = typeof id === 'string' ? streamable.get(id) : undefined;
      if (known !== undefined) return known.handleRequest(req, res, await readJson(req));
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void streamable.set(sid, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId !== undefined) streamable.delete(transport.sessionId);
      };
      await mcpServer(() => content).connect(transport);
      return transport.handleRequest(req, res, await readJson(req));
    }
    if (url.pathname === '/sse' && req.method === 'GET') {
      const transport = new SSEServerTransport('/messages', res);
      sse.set(transport.sessionId, transport);
      res.on('close', () => sse.delete(transport.sessionId));
      await mcpServer(() => content).connect(transport);
      return;
    }
    if (url.pathname === '/messages' && req.method === 'POST') {
      const transport = sse.get(url.searchParams.get('sessionId') ?? '');
      if (transport === undefined) {
        res.writeHead(404).end();
        return;
      }
      return transport.handlePostMessage(req, res, await readJson(req));
    }
    res.writeHead(404).end();
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setContent(next) {
      content = next;
    },
    close: async () => {
      for (const t of streamable.values()) await t.close();
      for (const t of sse.values()) await t.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
