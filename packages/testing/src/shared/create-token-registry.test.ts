import { describe, expect, it } from 'vitest';
import { createTokenRegistry } from './create-token-registry.js';

function setup(lifetimeMs: number) {
  let nowMs = 1000;
  const registry = createTokenRegistry<{ user: string }>({ lifetimeMs, now: () => nowMs });
  const advance = (ms: number) => {
    nowMs += ms;
  };
  return { registry, advance };
}

describe('createTokenRegistry', () => {
  it('issues random tokens that are valid for the lifetime, then expired', () => {
    const { registry, advance } = setup(3000);
    const record = registry.issue({ user: 'ada' });
    expect(record.token).toMatch(/^[\w-]{43}$/);
    expect(registry.issue({ user: 'ada' }).token).not.toBe(record.token);
    expect(registry.check(record.token)).toEqual({ status: 'valid', record });
    advance(2999);
    expect(registry.check(record.token).status).toBe('valid');
    advance(1);
    expect(registry.check(record.token).status).toBe('expired');
  });

  it('registers a given token, and an infinite lifetime never expires', () => {
    const { registry, advance } = setup(Infinity);
    registry.issue({ user: 'ada' }, 'static-token');
    advance(1e12);
    expect(registry.check('static-token').status).toBe('valid');
  });

  it('answers unknown for tokens it never issued', () => {
    const { registry } = setup(1000);
    expect(registry.check('nope')).toEqual({ status: 'unknown' });
  });

  it('expireAll() expires the tokens issued so far, not the ones issued after', () => {
    const { registry } = setup(60_000);
    const before = registry.issue({ user: 'ada' }).token;
    registry.expireAll();
    const after = registry.issue({ user: 'ada' }).token;
    expect(registry.check(before).status).toBe('expired');
    expect(registry.check(after).status).toBe('valid');
  });

  it('revokes and rotates', () => {
    const { registry } = setup(60_000);
    const revoked = registry.issue({ user: 'ada' }).token;
    const rotated = registry.issue({ user: 'ada' }).token;
    expect(registry.revoke(revoked)).toBe(true);
    expect(registry.revoke('unknown')).toBe(false);
    registry.markRotated(rotated);
    expect(registry.check(revoked).status).toBe('revoked');
    expect(registry.check(rotated).status).toBe('rotated');
  });
});
