import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json and locales/, found from this file (src/ or dist/src/). */
export function projectRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'locales'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('projectRoot(): cannot find the project root (package.json with locales/) above ' + __dirname);
}
