import { createTokenRegistry } from '../shared/create-token-registry.js';

/** An order of the emulated instance, as `GET /api/v4/orders/:id` shows it. */
export interface GomusEmulatorOrder {
  id: number;
  /** The order token: fetches the order's documents (`?token=`) without any Authorization. */
  token: string;
  is_valid: boolean;
  total_price_cents: number;
  invoice: boolean;
  created_at: string;
  items: Array<{ id: number; type: 'Ticket'; price_cents: number; attributes: { id: number; quantity: number } }>;
}

/** A one-page PDF naming the document, enough for a client to see what it downloaded. */
const pdf = (title: string) =>
  `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`;

/**
 * The orders of the emulated instance and their documents: `orders/:id/invoice.pdf` and
 * `orders/:id/tickets/:ticket_sale_id.pdf`, each fetched with the order's token in the query, as the reseller API
 * documents them. Tokens come from a registry, so they count as secrets wherever tests look for leaks.
 */
export function createGomusOrders(nowIso: () => string) {
  const tokens = createTokenRegistry<number>({ lifetimeMs: Infinity, tokenBytes: 16 });
  const orders: GomusEmulatorOrder[] = [3944805, 3944806].map((id, index) => ({
    id,
    token: tokens.issue(id).token,
    is_valid: true,
    total_price_cents: 1400 * (index + 1),
    invoice: index === 0,
    created_at: nowIso(),
    items: [{ id: 52397 + index, type: 'Ticket', price_cents: 1400, attributes: { id: 42102 + index, quantity: 1 } }],
  }));

  return {
    orders: orders as readonly GomusEmulatorOrder[],
    find: (id: string) => orders.find((order) => String(order.id) === id),
    /**
     * The PDF at `rest` (`invoice.pdf` or `tickets/<sale id>.pdf`) of order `id`, when `token` is the order's;
     * `undefined` when it does not exist, `'forbidden'` when the token does not match.
     */
    document(id: string, rest: string, token: string | undefined): string | 'forbidden' | undefined {
      const order = orders.find((candidate) => String(candidate.id) === id);
      if (!order) return undefined;
      const sale = /^tickets\/(\d+)\.pdf$/.exec(rest)?.[1];
      const exists =
        (rest === 'invoice.pdf' && order.invoice) ||
        (sale !== undefined && order.items.some((item) => String(item.attributes.id) === sale));
      if (!exists) return undefined;
      if (token !== order.token || tokens.check(token).status !== 'valid') return 'forbidden';
      return pdf(`order ${order.id} ${rest}`);
    },
    revoke: (token: string) => tokens.revoke(token),
  };
}
