/**
 * Architectures. The official image names them as docker-library does (`amd64`, `arm64v8`, ...);
 * users write OCI platforms (`linux/arm64`), Go names (`arm64`) or kernel names (`aarch64`).
 * All of them map to one `Arch`.
 */

export type Arch =
  | 'amd64'
  | 'arm32v5'
  | 'arm32v6'
  | 'arm32v7'
  | 'arm64v8'
  | 'i386'
  | 'mips64le'
  | 'ppc64le'
  | 'riscv64'
  | 's390x'
  | 'windows-amd64';

export const allArchs: readonly Arch[] = [
  'amd64',
  'arm32v5',
  'arm32v6',
  'arm32v7',
  'arm64v8',
  'i386',
  'mips64le',
  'ppc64le',
  'riscv64',
  's390x',
  'windows-amd64',
];

const aliases: Record<string, Arch> = {
  amd64: 'amd64',
  x86_64: 'amd64',
  'x86-64': 'amd64',
  x64: 'amd64',
  'linux/amd64': 'amd64',
  'linux/x86_64': 'amd64',
  'linux/amd64/v1': 'amd64',
  'linux/amd64/v2': 'amd64',
  'linux/amd64/v3': 'amd64',
  arm64v8: 'arm64v8',
  arm64: 'arm64v8',
  aarch64: 'arm64v8',
  'linux/arm64': 'arm64v8',
  'linux/arm64/v8': 'arm64v8',
  'linux/aarch64': 'arm64v8',
  arm32v7: 'arm32v7',
  armv7: 'arm32v7',
  armv7l: 'arm32v7',
  armhf: 'arm32v7',
  'linux/arm/v7': 'arm32v7',
  'linux/arm': 'arm32v7',
  arm32v6: 'arm32v6',
  armv6: 'arm32v6',
  armv6l: 'arm32v6',
  'linux/arm/v6': 'arm32v6',
  arm32v5: 'arm32v5',
  armv5: 'arm32v5',
  armel: 'arm32v5',
  'linux/arm/v5': 'arm32v5',
  i386: 'i386',
  i686: 'i386',
  x86: 'i386',
  '386': 'i386',
  'linux/386': 'i386',
  'linux/i386': 'i386',
  mips64le: 'mips64le',
  'linux/mips64le': 'mips64le',
  ppc64le: 'ppc64le',
  'linux/ppc64le': 'ppc64le',
  riscv64: 'riscv64',
  'linux/riscv64': 'riscv64',
  s390x: 's390x',
  'linux/s390x': 's390x',
  'windows-amd64': 'windows-amd64',
  'windows/amd64': 'windows-amd64',
};

/**
 * Map any common spelling of an architecture to pybase's model, or undefined when unknown. An OCI
 * platform may leave out its `linux/` (`arm/v7`, `arm64/v8`).
 */
export function normalizeArch(text: string): Arch | undefined {
  const key = text.trim().toLowerCase();
  return aliases[key] ?? aliases[`linux/${key}`];
}

/**
 * The Linux architectures as users usually write them (OCI platforms without `linux/`), in the order
 * of {@link allArchs}: what messages suggest. Each of them is understood by {@link normalizeArch}, as
 * are docker-library names (`arm64v8`), kernel names (`aarch64`) and full platforms (`linux/arm/v7`).
 */
export const linuxArchSpellings: readonly string[] = [
  'amd64',
  'arm/v5',
  'arm/v6',
  'arm/v7',
  'arm64',
  '386',
  'mips64le',
  'ppc64le',
  'riscv64',
  's390x',
];

/** The usual spelling of an architecture (`arm/v7` for arm32v7, `arm64` for arm64v8). */
export function archSpelling(arch: Arch): string {
  return ociPlatform(arch)
    .replace(/^linux\//, '')
    .replace(/^arm64\/v8$/, 'arm64');
}

/** The OCI platform string (`linux/arm64/v8`) of an architecture. */
export function ociPlatform(arch: Arch): string {
  switch (arch) {
    case 'amd64':
      return 'linux/amd64';
    case 'arm64v8':
      return 'linux/arm64/v8';
    case 'arm32v7':
      return 'linux/arm/v7';
    case 'arm32v6':
      return 'linux/arm/v6';
    case 'arm32v5':
      return 'linux/arm/v5';
    case 'i386':
      return 'linux/386';
    case 'windows-amd64':
      return 'windows/amd64';
    default:
      return `linux/${arch}`;
  }
}

/**
 * The machine name Python reports on this architecture (`platform.machine()`), which is also the
 * architecture part of wheel platform tags. Undefined where no wheel tag exists (Windows is `win_amd64`).
 */
export function wheelMachine(arch: Arch): string | undefined {
  switch (arch) {
    case 'amd64':
      return 'x86_64';
    case 'arm64v8':
      return 'aarch64';
    case 'arm32v7':
      return 'armv7l';
    case 'arm32v6':
      return 'armv6l';
    case 'arm32v5':
      return 'armv5tel';
    case 'i386':
      return 'i686';
    case 'mips64le':
      return 'mips64';
    case 'ppc64le':
      return 'ppc64le';
    case 'riscv64':
      return 'riscv64';
    case 's390x':
      return 's390x';
    case 'windows-amd64':
      return undefined;
  }
}
