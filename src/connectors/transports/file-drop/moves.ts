import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Whether a Node fs error carries one of these errno codes. */
export const isErrno = (error: unknown, ...codes: string[]): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
};

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Moves a file into `dir` under its name, or `name~2.ext`, `name~3.ext`… when taken, so an
 * earlier file of the same name is never overwritten. Returns the name it got. The check
 * and the rename are not one step; the drop serialises its own moves, which is enough here.
 */
export async function moveKeepingBoth(from: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${stem}~${n}${ext}`;
    if (await exists(join(dir, candidate))) continue;
    await rename(from, join(dir, candidate));
    return candidate;
  }
}

/** fsync a directory so the renames in it survive a power cut; a no-op where unsupported. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!isErrno(error, 'EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'ENOTSUP')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `content` as `dir/name` whole or not at all: into a hidden temporary name in the
 * same directory, fsynced, renamed over the final name, and the directory fsynced.
 */
export async function writeFileAtomically(
  dir: string,
  name: string,
  content: Buffer | string,
): Promise<void> {
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}
