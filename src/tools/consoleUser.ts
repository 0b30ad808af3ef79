import path from 'node:path';
import readline from 'node:readline';
import { loadConfigFromProcess } from '../config/config';
import { ConsoleAccounts, type Role } from '../console/accounts';
import { PgAccountsRepository } from '../console/pgAccountsRepository';
import { createLogger } from '../logging/logger';
import { openPostgres } from '../storage/pg/postgres';

/**
 * Console accounts from the command line (operator text, not user-facing):
 *   npm run console:user -- add --role supervisor|counsellor --name alice [--password-stdin]
 *   npm run console:user -- password --name alice [--password-stdin]
 *   npm run console:user -- remove --name alice
 *   npm run console:user -- list
 * The password is typed twice on a terminal, or read as the first line of stdin with --password-stdin.
 */
function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readLine(prompt: string, hidden: boolean): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: hidden && process.stdin.isTTY });
  if (hidden && process.stdin.isTTY) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => {
      if (s.includes(prompt)) process.stdout.write(prompt);
    };
  }
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  if (hidden && process.stdin.isTTY) process.stdout.write('\n');
  return answer;
}

async function readPassword(args: string[]): Promise<string> {
  if (args.includes('--password-stdin')) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  if (!process.stdin.isTTY) throw new Error('no terminal: pass --password-stdin and pipe the password');
  const a = await readLine('Password (at least 12 characters): ', true);
  const b = await readLine('Repeat the password: ', true);
  if (a !== b) throw new Error('the passwords differ');
  return a;
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  const config = loadConfigFromProcess();
  // the same accounts the server uses: PostgreSQL when DATABASE_URL is set, files under DATA_DIR otherwise
  const pg = config.databaseUrl ? await openPostgres(config.databaseUrl, createLogger({ level: 'warn', pretty: false })) : undefined;
  try {
    const accounts = pg ? new ConsoleAccounts(new PgAccountsRepository(pg.pool)) : await ConsoleAccounts.open({ dir: path.join(config.dataDir, 'console') });
    await run(cmd, args, accounts);
  } finally {
    await pg?.close();
  }
}

async function run(cmd: string | undefined, args: string[], accounts: ConsoleAccounts): Promise<void> {
  const name = arg(args, 'name');
  switch (cmd) {
    case 'add': {
      const role = (arg(args, 'role') ?? 'counsellor') as Role;
      if (!name) throw new Error('--name is required');
      await accounts.add(name, role, await readPassword(args));
      console.log(`added ${role} ${name}`);
      return;
    }
    case 'password':
      if (!name) throw new Error('--name is required');
      await accounts.setPassword(name, await readPassword(args));
      console.log(`password changed for ${name}; their sessions have ended`);
      return;
    case 'remove':
      if (!name) throw new Error('--name is required');
      await accounts.remove(name);
      console.log(`removed ${name}`);
      return;
    case 'list':
      for (const a of await accounts.list()) console.log(`${a.name}\t${a.role}`);
      return;
    default:
      console.log('usage: npm run console:user -- add --role counsellor|supervisor --name NAME [--password-stdin] | password --name NAME | remove --name NAME | list');
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`console:user: ${(err as Error).message}`);
  process.exitCode = 1;
});
