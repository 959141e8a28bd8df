// `require()` of the built ESM packages, as a CommonJS user would: one authenticated call per provider against its
// emulator. Node >= 22.12 loads ESM from require() without a flag; this proves it where it is promised.
//   node tooling/release/src/runtimes/require-smoke.cjs   (build first: pnpm turbo run build)
const { join } = require('node:path');

const packages = join(__dirname, '../../../../packages');
const load = (name) => require(join(packages, name, 'dist/index.js'));
const testing = load('testing');
const runtime =
  typeof globalThis.Bun !== 'undefined'
    ? `bun ${globalThis.Bun.version}`
    : typeof globalThis.Deno !== 'undefined'
      ? `deno ${globalThis.Deno.version.deno}`
      : `node ${process.versions.node}`;

const providers = {
  musimap: async (url) => {
    const client = load('musimap').createMusimapClient({
      baseUrl: url,
      clientId: testing.musimapTestCredentials.clientId,
      clientSecret: testing.musimapTestCredentials.clientSecret,
    });
    await client.api.get('lexicology/tags').json();
  },
  musement: async (url) => {
    const { clientId, clientSecret, application } = testing.musementTestCredentials;
    const client = load('musement').createMusementClient({ baseUrl: url, clientId, clientSecret, application });
    await client.api.get('cities').json();
  },
  gomus: async (url) => {
    const who = await load('gomus').createGomusClient({ baseUrl: url, token: testing.gomusTestTokens.user }).whoami();
    if (who.access !== 'user') throw new Error(`unexpected whoami ${JSON.stringify(who)}`);
  },
};
const emulators = { musimap: 'startMusimapEmulator', musement: 'startMusementEmulator', gomus: 'startGomusEmulator' };

(async () => {
  let failed = 0;
  for (const [name, call] of Object.entries(providers)) {
    const emulator = await testing[emulators[name]]();
    try {
      await call(emulator.url);
      console.log(
        `ok   ${runtime.padEnd(12)} ${name.padEnd(9)} require()              loaded with require(), called the emulator`,
      );
    } catch (error) {
      failed++;
      console.log(`FAIL ${runtime.padEnd(12)} ${name.padEnd(9)} require()              ${error?.stack}`);
    } finally {
      await emulator.close();
    }
  }
  if (failed > 0) process.exit(1);
})();
