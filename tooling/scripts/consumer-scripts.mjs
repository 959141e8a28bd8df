// What a user's first program does with each provider, as ESM and as CommonJS: shared by the install test (tarballs)
// and the release rehearsal (a registry). `testing` is the @auth/testing module, for the emulators' credentials; the
// emulator's URL comes from the URL environment variable.

/** Per provider: code that logs in (where there is a login) and makes one call; `IMPORT` stands for the module. */
export function consumerCode(provider, testing) {
  const { gomusTestTokens, musementTestCredentials, musimapTestCredentials } = testing;
  const json = JSON.stringify;
  switch (provider) {
    case 'gomus':
      return `const client = IMPORT.createGomusClient({ baseUrl: process.env.URL, token: ${json(gomusTestTokens.user)} });
const who = await client.whoami();
if (who.access !== 'user') throw new Error('unexpected whoami ' + JSON.stringify(who));`;
    case 'musement':
      return `const client = IMPORT.createMusementClient({ baseUrl: process.env.URL, clientId: ${json(musementTestCredentials.clientId)}, clientSecret: ${json(musementTestCredentials.clientSecret)}, application: ${json(musementTestCredentials.application)} });
const cities = await client.api.get('cities').json();
const token = await client.getToken();
if (!Array.isArray(cities) || !token.accessToken) throw new Error('unexpected answer');`;
    case 'musimap':
      return `const client = IMPORT.createMusimapClient({ baseUrl: process.env.URL, clientId: ${json(musimapTestCredentials.clientId)}, clientSecret: ${json(musimapTestCredentials.clientSecret)} });
const tags = await client.api.get('lexicology/tags').json();
const token = await client.getToken();
if (!tags || !token.accessToken) throw new Error('unexpected answer');`;
    default:
      throw new Error(`no consumer for ${provider}`);
  }
}

/** An ES module running `code` with `IMPORT` bound to `import('<specifier>')`; prints `ok` when it got through. */
export function esmScript(specifier, code) {
  return `${code.replaceAll('IMPORT', `(await import(${JSON.stringify(specifier)}))`)}\nconsole.log('ok');\n`;
}

/** A CommonJS script running `code` with `IMPORT` bound to `require('<specifier>')`; prints `ok` when it got through. */
export function cjsScript(specifier, code) {
  return `const imported = require(${JSON.stringify(specifier)});
(async () => {
${code.replaceAll('IMPORT', 'imported')}
console.log('ok');
})().catch((error) => { console.error(error); process.exit(1); });
`;
}
