// node:http calls a request listener and drops what it returns: an async listener that throws
// becomes an unhandled rejection, which ends the process. `guarded` turns a rejection into a 500
// for that request (when nothing was sent yet) and a report, so one bad request costs one answer.
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<unknown>;

export function guarded(handler: Handler, report: (err: unknown, req: IncomingMessage) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      report(err, req);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    });
  };
}
