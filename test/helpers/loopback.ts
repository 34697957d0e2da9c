import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every message it accepts, parsed (on `port`, or a free one). */
export async function startSmtp(opts: { rejectRecipient?: (to: string) => boolean; port?: number } = {}) {
  const received: Array<{ to: string[]; mail: ParsedMail }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      // 550 is what a real server says for a mailbox that does not exist: a permanent failure.
      if (opts.rejectRecipient?.(address.address)) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        });
      });
    },
  });
  // A client that vanishes mid-conversation (the chaos run SIGKILLs workers while they send) makes the
  // server's next reply fail with EPIPE or ECONNRESET, emitted as the server's 'error': unheard, that
  // error ended the test run although every complaint was fine. Anything else is still reported.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') console.error('loopback SMTP server:', err);
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A hung mail host: it accepts TCP connections and never sends the SMTP greeting, so a client waits for
 * its own timeout (ours: 15 s). `close()` drops the held connections (as a restarting host does) and frees
 * the port, where {@link startSmtp} can then bring the mail service back.
 */
export async function startHungSmtp() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createTcpServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    /** Connections accepted so far. */
    connections: () => connections,
    /** Connections held open right now (a client still waiting for the greeting). */
    held: () => sockets.size,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TwilioRequest {
  path: string;
  form: Record<string, string>;
}

/**
 * A loopback server speaking the part of Twilio's REST API we use (Messages and Calls), answering as
 * Twilio does: 201 with a resource, or 400 with Twilio's error body for an invalid number.
 */
export async function startFakeTwilio(opts: { invalidNumbers?: string[]; unavailableOnce?: string[] } = {}) {
  const requests: TwilioRequest[] = [];
  const flaky = new Set(opts.unavailableOnce ?? []);
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (!/^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/(Messages|Calls)\.json$/.test(req.url ?? '') || req.method !== 'POST') return send(404, { code: 20404, message: 'not found', status: 404 });
      if (!req.headers.authorization?.startsWith('Basic ')) return send(401, { code: 20003, message: 'Authenticate', status: 401 });
      const to = form.To ?? '';
      if (flaky.delete(to)) return send(503, { code: 20500, message: 'Service unavailable', status: 503 });
      if (opts.invalidNumbers?.includes(to)) return send(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
      requests.push({ path: req.url!, form });
      const kind = req.url!.endsWith('Messages.json') ? 'SM' : 'CA';
      send(201, { sid: `${kind}${(++n).toString(16).padStart(32, '0')}`, status: 'queued', to, from: form.From ?? null, body: form.Body ?? null });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    messages: () => requests.filter((r) => r.path.endsWith('Messages.json')).map((r) => r.form),
    calls: () => requests.filter((r) => r.path.endsWith('Calls.json')).map((r) => r.form),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
