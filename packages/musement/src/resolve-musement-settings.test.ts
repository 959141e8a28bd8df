import { ConfigError } from '@auth/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMusementClient } from './create-musement-client.js';
import { resolveMusementSettings } from './resolve-musement-settings.js';

const credentials = { clientId: 'client-id', clientSecret: 'client-secret-value', application: 'my-shop' };

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

beforeEach(() => {
  // The machine's environment must not fill in what a test leaves out.
  for (const name of ['MUSEMENT_CLIENT_ID', 'MUSEMENT_CLIENT_SECRET', 'MUSEMENT_APPLICATION']) vi.stubEnv(name, '');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('resolveMusementSettings', () => {
  it('defaults to production, POST, client_credentials and version 3.4.0', () => {
    const settings = resolveMusementSettings(credentials);
    expect(settings.baseUrl).toBe('https://api.musement.com');
    expect(settings.loginMethod).toBe('POST');
    expect(settings.grant).toEqual({ type: 'client_credentials' });
    expect(settings.headers).toEqual({ 'x-musement-application': 'my-shop', 'x-musement-version': '3.4.0' });
  });

  it('has a sandbox shortcut, and refuses it together with baseUrl', () => {
    expect(resolveMusementSettings({ ...credentials, sandbox: true }).baseUrl).toBe('https://sandbox.musement.com');
    const error = configError(() =>
      resolveMusementSettings({ ...credentials, sandbox: true, baseUrl: 'https://api.musement.com' }),
    );
    expect(error.option).toBe('sandbox');
  });

  it('accepts a base URL with or without /api/v3 and a trailing slash', () => {
    expect(resolveMusementSettings({ ...credentials, baseUrl: 'https://sandbox.musement.com/api/v3/' }).baseUrl).toBe(
      'https://sandbox.musement.com',
    );
  });

  it('refuses plain http to a remote host unless allowInsecureHttp', () => {
    expect(configError(() => resolveMusementSettings({ ...credentials, baseUrl: 'http://example.com' })).option).toBe(
      'baseUrl',
    );
    expect(
      resolveMusementSettings({ ...credentials, baseUrl: 'http://example.com', allowInsecureHttp: true }).baseUrl,
    ).toBe('http://example.com');
  });

  it.each([
    ['clientId', 'MUSEMENT_CLIENT_ID'],
    ['clientSecret', 'MUSEMENT_CLIENT_SECRET'],
    ['application', 'MUSEMENT_APPLICATION'],
  ])('names the option and the variable when %s is missing', (option, variable) => {
    const error = configError(() => resolveMusementSettings({ ...credentials, [option]: undefined }));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(/^@auth\/musement: /);
    expect(error.message).toContain(option);
    expect(error.message).toContain(variable);
  });

  it('reads clientId, clientSecret and application from the environment', () => {
    vi.stubEnv('MUSEMENT_CLIENT_ID', 'env-client');
    vi.stubEnv('MUSEMENT_CLIENT_SECRET', 'env-secret-value');
    vi.stubEnv('MUSEMENT_APPLICATION', 'env-application');
    const settings = resolveMusementSettings({});
    expect(settings.clientId).toBe('env-client');
    expect(settings.clientSecret).toBe('env-secret-value');
    expect(settings.headers['x-musement-application']).toBe('env-application');
    // An option wins over its variable.
    expect(resolveMusementSettings({ clientId: 'option-client' }).clientId).toBe('option-client');
  });

  it('needs username and password together', () => {
    expect(configError(() => resolveMusementSettings({ ...credentials, username: 'a@example.com' })).option).toBe(
      'password',
    );
    expect(configError(() => resolveMusementSettings({ ...credentials, password: 'user-password' })).option).toBe(
      'username',
    );
    expect(
      resolveMusementSettings({ ...credentials, username: 'a@example.com', password: 'user-password' }).grant,
    ).toEqual({ type: 'password', username: 'a@example.com', password: 'user-password' });
  });

  it('refuses an unknown login method and header values fetch would refuse', () => {
    expect(
      configError(() => resolveMusementSettings({ ...credentials, loginMethod: 'PUT' as unknown as 'GET' })).option,
    ).toBe('loginMethod');
    expect(configError(() => resolveMusementSettings({ ...credentials, market: 'it\r\nx-evil: 1' })).option).toBe(
      'market',
    );
    expect(configError(() => resolveMusementSettings({ ...credentials, version: '' })).option).toBe('version');
  });

  it('sends the optional headers only when configured', () => {
    const settings = resolveMusementSettings({
      ...credentials,
      version: '3.5.0',
      language: 'it-IT',
      currency: 'EUR',
      market: 'it',
    });
    expect(settings.headers).toEqual({
      'x-musement-application': 'my-shop',
      'x-musement-version': '3.5.0',
      'accept-language': 'it-IT',
      'x-musement-currency': 'EUR',
      'x-musement-market': 'it',
    });
  });
});

describe('createMusementClient in a browser-like runtime', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('refuses to hold the secret unless dangerouslyAllowBrowser', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    expect(configError(() => createMusementClient(credentials)).option).toBe('dangerouslyAllowBrowser');
    expect(createMusementClient({ ...credentials, dangerouslyAllowBrowser: true }).api).toBeTypeOf('function');
  });
});
