import type { GomusEmulatorToken } from './gomus-emulator-token.js';

/**
 * The emulated instance's inventory, as the backend stores it, and the three ways go~mus shows it. Every view carries
 * `capacity_hint`, a field no client knows, so that clients can be seen to tolerate (and log) unknown fields.
 */
type Item = Record<string, unknown> & { id: number };

interface Museum extends Item {
  is_public: boolean;
}

interface Ticket extends Item {
  museum_id: number;
  is_public: boolean;
  reseller_ids: number[];
  price_cents: number;
}

export interface GomusView {
  /** Identifies the context, e.g. for caching answers built from this view. */
  key: string;
  museums: Item[];
  tickets: Item[];
}

const museumTitles = [
  ['City Museum', 'Stadtmuseum'],
  ['Natural History Museum', 'Naturkundemuseum'],
  ['Gallery of Modern Art', 'Galerie der Moderne'],
  ['Science Centre', 'Wissenschaftszentrum'],
  ['Maritime Museum', 'Schifffahrtsmuseum'],
  ['Toy Museum', 'Spielzeugmuseum'],
  ['House of Photography', 'Haus der Fotografie'],
  ['Collection Depot', 'Depot der Sammlung'],
] as const;
const ticketKinds = [
  { ticket_type: 'normal', title: 'Admission', titleDe: 'Eintritt', vat_pct: 7 },
  { ticket_type: 'time_slot', title: 'Timed entry', titleDe: 'Zeitfenster-Ticket', vat_pct: 7 },
  { ticket_type: 'annual', title: 'Annual pass', titleDe: 'Jahreskarte', vat_pct: 19 },
] as const;

/**
 * The German text of every translatable field (`title`, `description`), by `<resource>:<id>:<field>`. The English
 * text is what the items hold: the emulator answers in English unless asked for `locale=de`.
 */
export const germanTexts = new Map<string, string>();
const createdAt = '2024-01-15T09:30:00+01:00';
const updatedAt = '2025-03-02T14:05:00+01:00';

const museums: Museum[] = museumTitles.map(([title, titleDe], index) => {
  germanTexts.set(`museums:${index + 1}:title`, titleDe);
  return {
    id: index + 1,
    title,
    street: `Museumstraße ${index + 1}`,
    zip: `1011${index}`,
    city: 'Berlin',
    country: 'DE',
    url: `https://museum-${index + 1}.example.org`,
    time_zone: 'Europe/Berlin',
    is_public: index !== 7, // the depot is not open to the public
    created_at: createdAt,
    updated_at: updatedAt,
    internal_contact_email: `office-${index + 1}@museum.example.org`,
    capacity_hint: { level: index % 2 === 0 ? 'medium' : 'low' },
  };
});

export const gomusTicketCount = 230;

const tickets: Ticket[] = Array.from({ length: gomusTicketCount }, (_, index) => {
  const id = index + 1;
  const museum = museums[index % museums.length]!;
  const kind = ticketKinds[id % ticketKinds.length]!;
  const resellerIds = [...(id % 2 === 1 ? [1] : []), ...(id % 3 === 0 ? [2] : [])];
  germanTexts.set(`tickets:${id}:title`, `${kind.titleDe} – ${museumTitles[museum.id - 1]?.[1]}`);
  germanTexts.set(`tickets:${id}:description`, `${kind.titleDe}, Ticket Nummer ${id}.`);
  return {
    id,
    museum_id: museum.id,
    title: `${kind.title} – ${museum.title}`,
    description: `${kind.title} ticket number ${id}.`,
    ticket_type: kind.ticket_type,
    price_cents: 500 + ((id * 37) % 20) * 100,
    vat_pct: kind.vat_pct,
    currency: 'EUR',
    bookable: id % 10 !== 0,
    is_public: museum.is_public && id % 4 !== 0,
    reseller_ids: resellerIds,
    min_persons: 1,
    max_persons: kind.ticket_type === 'time_slot' ? 30 : 10,
    created_at: createdAt,
    updated_at: updatedAt,
    internal_note: `Cost review ${2024 + (id % 2)}`,
    cost_center: `CC-${100 + museum.id}`,
    capacity_hint: { level: id % 5 === 0 ? 'high' : 'medium' },
  };
});

const pick = (item: Item, fields: readonly string[]): Item => {
  const view: Item = { id: item.id };
  for (const field of fields) view[field] = item[field];
  return view;
};

const publicMuseumFields = ['title', 'street', 'zip', 'city', 'url', 'capacity_hint'];
const resellerMuseumFields = ['title', 'street', 'zip', 'city', 'country', 'url', 'time_zone', 'capacity_hint'];
const publicTicketFields = [
  'museum_id',
  'title',
  'description',
  'ticket_type',
  'price_cents',
  'currency',
  'capacity_hint',
];
const resellerTicketFields = [
  'museum_id',
  'title',
  'description',
  'ticket_type',
  'price_cents',
  'reseller_price_cents',
  'vat_pct',
  'currency',
  'bookable',
  'min_persons',
  'max_persons',
  'capacity_hint',
];

const inMuseums = (museumIds: readonly number[] | undefined, id: number) =>
  !museumIds || museumIds.length === 0 || museumIds.includes(id);

/** What a request with `context` (or no token) sees. Views are computed once per context, not per request. */
export function createGomusViews(): (context: GomusEmulatorToken | undefined) => GomusView {
  const cache = new Map<string, GomusView>();
  return (context) => {
    const key = context
      ? `${context.access}|${context.resellerId ?? 1}|${(context.museums ?? []).join(',')}`
      : 'public';
    let view = cache.get(key);
    if (!view) {
      view = { key, ...computeView(context) };
      cache.set(key, view);
    }
    return view;
  };
}

function computeView(context: GomusEmulatorToken | undefined): Omit<GomusView, 'key'> {
  const access = context?.access ?? 'public';
  if (access === 'user' || access === 'cashpoint') {
    return {
      museums: museums.filter((museum) => inMuseums(context?.museums, museum.id)),
      tickets: tickets.filter((ticket) => inMuseums(context?.museums, ticket.museum_id)),
    };
  }
  if (access === 'reseller') {
    const resellerId = context?.resellerId ?? 1;
    return {
      museums: museums
        .filter((museum) => inMuseums(context?.museums, museum.id))
        .map((museum) => pick(museum, resellerMuseumFields)),
      tickets: tickets
        .filter((ticket) => ticket.reseller_ids.includes(resellerId) && inMuseums(context?.museums, ticket.museum_id))
        .map((ticket) =>
          pick({ ...ticket, reseller_price_cents: Math.round(ticket.price_cents * 0.9) }, resellerTicketFields),
        ),
    };
  }
  // public and customer
  return {
    museums: museums.filter((museum) => museum.is_public).map((museum) => pick(museum, publicMuseumFields)),
    tickets: tickets.filter((ticket) => ticket.is_public).map((ticket) => pick(ticket, publicTicketFields)),
  };
}
