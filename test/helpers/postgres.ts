/**
 * The PostgreSQL the tests use: TEST_DATABASE_URL (a role that may create databases), else the local server of
 * this machine (`.ci/run` installs and starts one where there is none). Each test creates its own database.
 */
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** the URL of another database on the same server */
export function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
