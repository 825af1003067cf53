// The one command-line parser of the operator commands and the bench tools: node:util's parseArgs, then zod, every problem naming its flag.
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** A bad command line; the message starts with the flag it is about, e.g. `--rate: must be a positive number`. */
export class FlagError extends Error {
  readonly code = 'INVALID_FLAG';
  override readonly name = 'FlagError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
  }
}

/** One flag: how parseArgs reads it, and the words --help and the errors use for it. */
export interface FlagDefinition {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** One line for --help: what the flag changes. */
  help: string;
  /** What the value is, for the error when it is missing: `needs an order ID`. Unset: `needs a value`. */
  value?: string;
}

export type FlagSpec = Record<string, FlagDefinition>;

/** What --help prints and the prefix of every error line. */
export interface CommandInfo {
  /** `payments:unblock-refund`: starts every line the command writes to stderr. */
  name: string;
  /** `npm run payments:unblock-refund -- --order <orderId>`. */
  usage: string;
  /** One sentence: what the command is for. */
  summary: string;
  flags: FlagSpec;
}

const knownFlags = (spec: FlagSpec) => [...Object.keys(spec), 'help'].map((f) => `--${f}`).join(', ');

/**
 * Parses `argv` with node:util's parseArgs (strict: unknown flags and positionals are errors), then validates the
 * values with `schema`, whose keys are the flag names. Every problem becomes a FlagError naming the flag.
 */
export function parseFlags<S extends z.ZodType>(argv: readonly string[], spec: FlagSpec, schema: S): z.output<S> {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, { type, multiple }]) => [name, multiple ? { type, multiple } : { type }]),
  );
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw parseArgsError(error, spec);
  }
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  const flagOf = (issue: z.core.$ZodIssue) => `--${String(issue.path[0] ?? '?')}`;
  const message = result.error.issues.map((issue) => `${flagOf(issue)}: ${issue.message}`).join('; ');
  throw new FlagError(first ? flagOf(first) : '--?', message);
}

function parseArgsError(error: unknown, spec: FlagSpec): FlagError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const named = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new FlagError(named ?? '?', `${named ?? 'flag'}: unknown flag; known flags: ${knownFlags(spec)}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = named ?? '?';
    const definition = spec[flag.replace(/^-+/, '')];
    const problem = definition?.type === 'string' ? `needs ${definition.value ?? 'a value'}` : 'takes no value';
    return new FlagError(flag, `${flag}: ${problem}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']+)'/.exec(message)?.[1] ?? '?';
    return new FlagError(argument, `${argument}: unexpected argument; every option is a --flag`);
  }
  return new FlagError('?', message);
}

/** The usage line, the summary and one line per flag. */
export function helpText(command: CommandInfo): string {
  const rows = [
    ...Object.entries(command.flags).map(([name, f]) => [
      `--${name}${f.type === 'string' ? ' <value>' : ''}`,
      `${f.help}${f.multiple ? ' (may be repeated)' : ''}`,
    ]),
    ['--help', 'prints this'],
  ];
  const width = Math.max(...rows.map(([flag]) => (flag ?? '').length));
  return [
    `usage: ${command.usage}`,
    '',
    command.summary,
    '',
    ...rows.map(([flag, help]) => `  ${(flag ?? '').padEnd(width)}  ${help ?? ''}`),
  ].join('\n');
}

/**
 * Runs a command's `main` with its arguments: `--help` prints the help and exits 0; `main` resolves with the exit
 * code (0 when it returns nothing). Any error ends the process with one line `<name>: <message>` on stderr and exit
 * code 2 for a bad command line (a FlagError), 1 for anything else. `exitWhenDone` exits at once after success,
 * for tools whose native threads (Temporal workers) can keep the event loop alive for a moment after shutdown.
 */
export function runCommand(
  command: CommandInfo,
  main: (argv: string[]) => Promise<number | void>,
  options: { argv?: string[]; exitWhenDone?: boolean } = {},
): void {
  const argv = options.argv ?? process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(helpText(command));
    return;
  }
  main(argv).then(
    (code) => {
      process.exitCode = code ?? process.exitCode ?? 0;
      if (options.exitWhenDone) process.exit(process.exitCode);
    },
    (error: unknown) => {
      console.error(`${command.name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(error instanceof FlagError ? 2 : 1);
    },
  );
}

/** A number flag within bounds, given as text (`--rate 12.5`). */
export function numberFlag(what: string, check: (n: number) => boolean) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/, `must be ${what}`)
    .transform(Number)
    .refine(check, `must be ${what}`);
}

export const positiveNumber = (max: number) =>
  numberFlag(`a number above 0 and at most ${max}`, (n) => n > 0 && n <= max);
export const positiveInteger = (max: number) =>
  numberFlag(`a whole number from 1 to ${max}`, (n) => Number.isInteger(n) && n >= 1 && n <= max);
