import { STATUS_CODES } from 'node:http';
import type { EmulatorExchange } from './emulator-exchange.js';
import type { FaultSpec } from './types.js';

const truncatedJson = '{"status":200,"data":[{"id":1,"name":"Trunc';

const htmlPage = (status: number) => {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

// Statuses that must not carry a body.
const isBodyless = (status: number) => status < 200 || status === 204 || status === 304;

/**
 * Serves `fault`. Returns true when the fault answered (or deliberately did not answer) the request, false when the
 * request should now be answered normally (`latency`).
 */
export async function applyFault(
  exchange: EmulatorExchange,
  fault: FaultSpec,
  delay: (ms: number) => Promise<void>,
): Promise<boolean> {
  const delayMs = fault.delayMs ?? (fault.kind === 'latency' ? 1000 : 0);
  if (delayMs > 0) await delay(delayMs);
  switch (fault.kind) {
    case 'latency':
      return false;
    case 'hang':
      return true;
    case 'reset': {
      const socket = exchange.request.socket;
      if (!socket.destroyed) socket.resetAndDestroy();
      return true;
    }
    case 'malformed-json':
      exchange.send(fault.status ?? 200, 'application/json', truncatedJson, fault.headers);
      return true;
    case 'html': {
      const status = fault.status ?? 502;
      exchange.send(status, 'text/html', htmlPage(status), fault.headers);
      return true;
    }
    case 'empty':
      exchange.send(fault.status ?? 200, 'application/json', '', fault.headers);
      return true;
    case 'status': {
      const status = fault.status ?? 500;
      if (isBodyless(status)) exchange.send(status, undefined, '', fault.headers);
      else if (typeof fault.body === 'string')
        exchange.send(status, 'text/plain; charset=utf-8', fault.body, fault.headers);
      else exchange.sendJson(status, fault.body ?? { error: STATUS_CODES[status] ?? 'Error' }, fault.headers);
      return true;
    }
  }
}
