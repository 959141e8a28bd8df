import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findExecutable, findFreePort, findRedisServer, onPath } from './start-redis-server.js';

/** A Redis Cluster of redis-server processes on 127.0.0.1, one master per node, no replicas, no persistence. */
export interface RedisClusterHandle {
  /** The nodes' client ports. */
  readonly ports: readonly number[];
  /** `{ host: '127.0.0.1', port }` per node: ioredis' `new Cluster(nodes)`. */
  readonly nodes: ReadonlyArray<{ host: string; port: number }>;
  /** Stops every node we started (SIGTERM by pid, SIGKILL after 5 s) and removes their directories. */
  stop(): Promise<void>;
}

/** redis-cli next to redis-server (the Debian package brings both), else the first one on PATH. */
export function findRedisCli(): string | undefined {
  const server = findRedisServer();
  return findExecutable([...(server ? [join(dirname(server), 'redis-cli')] : []), ...onPath('redis-cli')]);
}

/**
 * Starts `size` cluster-enabled redis-server processes on free loopback ports (each with its own directory for
 * nodes.conf and its cluster bus on a free port of its own), joins them with `redis-cli --cluster create` and resolves
 * once every node reports `cluster_state:ok` (about 3 s). Call `stop()` in afterAll.
 */
export async function startRedisCluster(size = 3): Promise<RedisClusterHandle> {
  const server = findRedisServer();
  const cli = findRedisCli();
  if (server === undefined || cli === undefined) throw new Error('redis-server or redis-cli not found');
  const children: ChildProcess[] = [];
  const directories: string[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  };
  const killOnExit = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  try {
    for (let index = 0; index < size; index++) {
      const directory = await mkdtemp(join(tmpdir(), 'auth-redis-cluster-'));
      directories.push(directory);
      const [port, busPort] = [await findFreePort(), await findFreePort()];
      children.push(await launch(server, directory, port!, busPort!));
      ports.push(port!);
    }
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run(cli, ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) await untilClusterOk(cli, port);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    async stop() {
      process.off('exit', killOnExit);
      await stop();
    },
  };
}

function launch(binary: string, directory: string, port: number, busPort: number): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--cluster-enabled',
      'yes',
      '--cluster-port',
      String(busPort),
      '--cluster-config-file',
      'nodes.conf',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      directory,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes('Ready to accept connections')) return;
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(child);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`cluster node on port ${port} exited (${code}) before it was ready:\n${output.slice(-2_000)}`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`redis-cli ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

async function untilClusterOk(cli: string, port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const info = await run(cli, ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info']);
    if (info.includes('cluster_state:ok')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the cluster node on port ${port} did not report cluster_state:ok within 10 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(escalate);
}
