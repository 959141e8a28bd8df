import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { closestWord } from './closest-word.js';
import { UsageError } from './usage-error.js';

const commands = ['demo', 'gomus', 'musement', 'musimap'] as const;
export type Command = (typeof commands)[number];

/** The command line, checked. Values only; secrets never come from here. */
export interface CommandLine {
  command: Command;
  json: boolean;
  verbose: boolean;
  help: boolean;
  version: boolean;
  showToken: boolean;
  sandbox: boolean;
  baseUrl?: string;
  token?: string;
  clientId?: string;
  application?: string;
  username?: string;
  environment?: string;
}

const definitions = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'show-token': { type: 'boolean' },
  'base-url': { type: 'string' },
  token: { type: 'string' },
  sandbox: { type: 'boolean' },
  'client-id': { type: 'string' },
  application: { type: 'string' },
  username: { type: 'string' },
  environment: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

type OptionName = keyof typeof definitions;

const common: readonly OptionName[] = ['json', 'verbose', 'help', 'version'];
const optionsOf: Record<Command, readonly OptionName[]> = {
  demo: common,
  gomus: [...common, 'show-token', 'base-url', 'token'],
  musement: [...common, 'show-token', 'base-url', 'sandbox', 'client-id', 'application', 'username'],
  musimap: [...common, 'show-token', 'base-url', 'client-id', 'environment'],
};

/** Flags people reach for that would put a secret into shell history and `ps` output. */
const refusedSecretFlags: Record<string, string> = {
  'client-secret': 'MUSEMENT_CLIENT_SECRET or MUSIMAP_CLIENT_SECRET',
  secret: 'MUSEMENT_CLIENT_SECRET or MUSIMAP_CLIENT_SECRET',
  password: 'MUSEMENT_PASSWORD',
};

/**
 * Parses `auth-check [command] [options]`. The command comes first; without one it is `demo`. Every problem is a
 * `UsageError` whose message never repeats a value from the command line (it might be a pasted secret).
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const first = argv[0];
  const named = first !== undefined && !first.startsWith('-');
  if (named && !(commands as readonly string[]).includes(first)) throw unknownCommand(first);
  const command = (named ? first : 'demo') as Command;
  const rest = named ? argv.slice(1) : [...argv];
  const allowed = optionsOf[command];
  checkOptionNames(rest, command, allowed);

  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(allowed.map((name) => [name, definitions[name]])),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    // parseArgs names the option and the problem (a missing value, a value given to a flag); it is safe to show.
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] : 'invalid command line');
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(`auth-check ${command} takes no arguments besides its options (one was left over).`);
  }
  const values = parsed.values as Partial<Record<OptionName, string | boolean>>;
  const text = (name: OptionName) => {
    const value = values[name];
    if (typeof value !== 'string') return undefined;
    if (value.trim() === '') throw new UsageError(`--${name} is empty.`);
    return value;
  };
  return {
    command,
    json: values.json === true,
    verbose: values.verbose === true,
    help: values.help === true,
    version: values.version === true,
    showToken: values['show-token'] === true,
    sandbox: values.sandbox === true,
    baseUrl: text('base-url'),
    token: text('token'),
    clientId: text('client-id'),
    application: text('application'),
    username: text('username'),
    environment: text('environment'),
  };
}

/** Names every option given, before parseArgs quotes anything: its messages for unknown options repeat the value. */
function checkOptionNames(args: readonly string[], command: Command, allowed: readonly OptionName[]): void {
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] as string;
    if (argument === '--') break;
    if (!argument.startsWith('-') || argument === '-') continue;
    if (!argument.startsWith('--')) {
      if (argument !== '-h') throw new UsageError('unknown short option; the only one is -h.');
      continue;
    }
    const [name = '', value] = argument.slice(2).split('=', 2);
    const variable = refusedSecretFlags[name];
    if (variable !== undefined) {
      throw new UsageError(
        `--${name} is not accepted: a secret on the command line ends up in shell history and in ps output. Set ${variable}, or run in a terminal to be asked for it.`,
      );
    }
    if (!(allowed as readonly string[]).includes(name)) {
      const closest = closestWord(name, allowed);
      const hint = closest === undefined ? '' : ` Did you mean --${closest}?`;
      throw new UsageError(`--${name} is not an option of auth-check ${command}.${hint}`);
    }
    // The value of a string option may look like an option; skip it.
    if (value === undefined && definitions[name as OptionName].type === 'string') index++;
  }
}

/**
 * The command is echoed only when it looks like a command word: the first argument might be a pasted secret, and a
 * usage error must not print one.
 */
function unknownCommand(word: string): UsageError {
  const commandList = `Commands: ${commands.join(', ')}.`;
  if (!/^[a-z][a-z0-9-]{0,19}$/i.test(word)) return new UsageError(`unknown command (not shown). ${commandList}`);
  const closest = closestWord(word, commands);
  const hint = closest === undefined ? commandList : `Did you mean "${closest}"? ${commandList}`;
  return new UsageError(`unknown command "${word}". ${hint}`);
}
