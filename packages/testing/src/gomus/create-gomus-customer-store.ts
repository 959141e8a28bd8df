export type GomusCustomer = Record<string, unknown> & { id: number; foreign_id: string | null };

export type CustomerResult = { ok: true; customer: GomusCustomer } | { ok: false; errors: string[] };

export interface GomusCustomerStore {
  create(fields: Record<string, unknown>, nowIso: string): CustomerResult;
  update(customer: GomusCustomer, fields: Record<string, unknown>, nowIso: string): CustomerResult;
  /** By numeric id first, then by foreign_id. */
  find(idOrForeignId: string): GomusCustomer | undefined;
  findByForeignId(foreignId: string): GomusCustomer | undefined;
}

const writableFields = [
  'foreign_id',
  'salutation',
  'title',
  'name',
  'surname',
  'email',
  'phone',
  'company',
  'street',
  'zip',
  'city',
  'country',
  'language',
  'newsletter',
  'birthday',
];
const emailPattern = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const isBlank = (value: unknown) => value === undefined || value === null || String(value).trim() === '';

/** The customers of one emulator, validated with the messages go~mus (a Rails application) sends. */
export function createGomusCustomerStore(): GomusCustomerStore {
  const byId = new Map<number, GomusCustomer>();
  const idByForeignId = new Map<string, number>();
  let lastId = 1000;

  const validate = (candidate: Record<string, unknown>, currentId?: number): string[] => {
    const errors: string[] = [];
    if (isBlank(candidate.name)) errors.push("Name can't be blank");
    if (isBlank(candidate.email)) errors.push("Email can't be blank");
    else if (!emailPattern.test(String(candidate.email))) errors.push('Email is invalid');
    if (!isBlank(candidate.foreign_id)) {
      const owner = idByForeignId.get(String(candidate.foreign_id));
      if (owner !== undefined && owner !== currentId) errors.push('Foreign has already been taken');
    }
    return errors;
  };

  const writable = (fields: Record<string, unknown>) => {
    const values: Record<string, unknown> = {};
    for (const field of writableFields) if (field in fields) values[field] = fields[field];
    if (!isBlank(values.foreign_id)) values.foreign_id = String(values.foreign_id);
    return values;
  };

  const save = (customer: GomusCustomer, previousForeignId: string | null) => {
    if (previousForeignId !== null) idByForeignId.delete(previousForeignId);
    if (customer.foreign_id !== null) idByForeignId.set(customer.foreign_id, customer.id);
    byId.set(customer.id, customer);
  };

  return {
    create(fields, nowIso) {
      const values = writable(fields);
      const errors = validate(values);
      if (errors.length > 0) return { ok: false, errors };
      lastId += 1;
      const customer: GomusCustomer = {
        id: lastId,
        foreign_id: null,
        salutation: null,
        name: null,
        surname: null,
        email: null,
        phone: null,
        ...values,
        created_at: nowIso,
        updated_at: nowIso,
      };
      if (isBlank(customer.foreign_id)) customer.foreign_id = null;
      save(customer, null);
      return { ok: true, customer };
    },
    update(customer, fields, nowIso) {
      const candidate = { ...customer, ...writable(fields) };
      const errors = validate(candidate, customer.id);
      if (errors.length > 0) return { ok: false, errors };
      const updated: GomusCustomer = { ...candidate, id: customer.id, updated_at: nowIso } as GomusCustomer;
      if (isBlank(updated.foreign_id)) updated.foreign_id = null;
      save(updated, customer.foreign_id);
      return { ok: true, customer: updated };
    },
    find(idOrForeignId) {
      // As go~mus does: the numeric id first, so an all-digit foreign_id may address another customer.
      const byNumber = /^\d+$/.test(idOrForeignId) ? byId.get(Number(idOrForeignId)) : undefined;
      return byNumber ?? this.findByForeignId(idOrForeignId);
    },
    findByForeignId(foreignId) {
      const id = idByForeignId.get(foreignId);
      return id === undefined ? undefined : byId.get(id);
    },
  };
}
