// Runs one provider emulator in its own process, so that the server does not compete with the load generator for
// one event loop. Started by emulator-process.ts with fork(); answers its commands over IPC.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type EmulatorHandle, startGomusEmulator, startMusementEmulator, startMusimapEmulator } from '@auth/testing';
import type { EmulatorCommand, EmulatorKind, EmulatorReply } from './emulator-process.ts';

interface ChildConfig {
  kind: EmulatorKind;
  options: Record<string, unknown>;
  tokenPath: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const starters = { gomus: startGomusEmulator, musement: startMusementEmulator, musimap: startMusimapEmulator };
const emulator: EmulatorHandle = await starters[config.kind](config.options);
// The server's own stalls, so that a slow answer can be told apart from a slow client.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const reply = (message: EmulatorReply) => {
  if (process.connected) process.send?.(message);
};

const answer = async (command: EmulatorCommand): Promise<unknown> => {
  switch (command.name) {
    case 'counters':
      return { ...emulator.counters, tokenRequestsByGrant: { ...emulator.counters.tokenRequestsByGrant } };
    case 'reset':
      emulator.reset();
      return undefined;
    case 'expireAllTokens':
      emulator.expireAllTokens();
      return undefined;
    case 'maxLoopDelayMs': {
      const max = loopDelay.max / 1e6;
      loopDelay.reset();
      return max;
    }
    case 'tokenRequestTimes':
      return emulator.requests.filter((request) => request.path === config.tokenPath).map((r) => r.receivedAt);
    case 'close':
      loopDelay.disable();
      await emulator.close();
      return undefined;
  }
};

process.on('message', (command: EmulatorCommand) => {
  answer(command).then(
    (result) => {
      reply({ id: command.id, result });
      if (command.name === 'close') process.disconnect();
    },
    (error: unknown) => reply({ id: command.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The parent is gone: nothing else will close this server.
process.on('disconnect', () => {
  emulator.close().finally(() => process.exit(0));
});
reply({ id: 0, result: emulator.url });
