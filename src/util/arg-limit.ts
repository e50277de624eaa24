import { arch, platform } from 'node:os';

/**
 * The most bytes one argument or one environment entry (`NAME=value`) of a new process may hold,
 * where critpath knows it for certain; undefined elsewhere. Linux refuses a longer one with E2BIG
 * whatever the limits of the user (MAX_ARG_STRLEN: 32 pages, the final NUL included). The page is
 * 4 KiB on x86 always; other processors may have larger ones, so there the limit is not known.
 */
export function argStringLimit(os: string = platform(), cpu: string = arch()): number | undefined {
  if (os !== 'linux' || (cpu !== 'x64' && cpu !== 'ia32')) return undefined;
  return 32 * 4096 - 1;
}

/** `n` bytes, in words: `5242880 bytes (5.0 MiB)`. */
export function byteSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const [unit, size] = n < 1024 * 1024 ? ['KiB', n / 1024] : ['MiB', n / 1024 / 1024];
  return `${n} bytes (${size.toFixed(1)} ${unit})`;
}
