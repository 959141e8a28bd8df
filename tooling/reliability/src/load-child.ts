// One provider's load, in its own process with the BUILT packages, so that the three providers run on separate cores
// and a full GC is available (--expose-gc). Prints the rounds as one JSON line.
import { type ProviderName, providersUnderTest } from './providers-under-test.js';
import { type LoadOptions, runLoad } from './run-load.js';

const name = process.env.LOAD_CHILD_PROVIDER as ProviderName;
const provider = providersUnderTest.find((candidate) => candidate.name === name);
if (provider === undefined) throw new Error(`load child: unknown provider ${name}`);
const options = JSON.parse(process.env.LOAD_CHILD_OPTIONS ?? '{}') as LoadOptions;
const result = await runLoad(provider, options);
process.stdout.write(`${JSON.stringify({ provider: name, ...result })}\n`);
