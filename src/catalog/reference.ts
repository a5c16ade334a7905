/**
 * Image references as users write them: `[registry/]repository[:tag][@digest]`.
 *
 * A reference is kept as its written parts, so formatting is lossless; on top of them pybase decides
 * whether the reference names the official python image (on Docker Hub under any of its names, on a
 * known public mirror, on a configured mirror, or per-architecture as `arm64v8/python`) and parses its
 * tag. References to other images are returned with `isPython: false` and otherwise left alone.
 */

import { inputCodes, PybaseError } from '../model/diagnostic.js';
import type { ImageRef, PythonTag, RegistryKind } from '../model/image-ref.js';
import { allArchs } from '../model/platform.js';
import { isValidDockerTag, parseTag } from './tag.js';

export interface ReferenceOptions {
  /**
   * Extra places the python image is served from, as `host[/path]/python`
   * (`registry.example.com/dockerhub/library/python`).
   */
  mirrors?: readonly string[];
}

/** Docker Hub's names for itself. */
export const dockerHubHosts: readonly string[] = [
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
];

/** Public mirrors of Docker Hub's official images, as host + repository of python. */
export const knownMirrors: readonly string[] = [
  'mirror.gcr.io/library/python',
  'public.ecr.aws/docker/library/python',
];

const componentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const hostPattern =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d+)?$/;
const digestPattern = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([A-Za-z0-9=_-]+)$/;
const sha256Pattern = /^[a-f0-9]{64}$/;

function badReference(text: string, why: string, hint?: string): PybaseError {
  return new PybaseError({
    code: inputCodes.badReference,
    severity: 'error',
    message: `'${text}' is not an image reference: ${why}`,
    hint:
      hint ??
      'write references as [registry/]name[:tag][@sha256:<64 hex digits>], for example python:3.12-slim-trixie',
  });
}

function looksLikeHost(component: string): boolean {
  return (
    component === 'localhost' || component.includes('.') || component.includes(':') || /[A-Z]/.test(component)
  );
}

function classify(
  registry: string | undefined,
  repository: string,
  options: ReferenceOptions,
): { isPython: boolean; registryKind: RegistryKind; archNamespace?: string } {
  const host = registry?.toLowerCase();
  const onHub = host === undefined || dockerHubHosts.includes(host);
  const full = `${host ?? 'docker.io'}/${repository}`;
  for (const mirror of options.mirrors ?? []) {
    if (mirror.replace(/\/+$/, '').toLowerCase() === full)
      return { isPython: true, registryKind: 'configured' };
  }
  if (onHub) {
    if (repository === 'python' || repository === 'library/python') {
      return { isPython: true, registryKind: 'docker-hub' };
    }
    const [ns, name, extra] = repository.split('/');
    if (
      extra === undefined &&
      name === 'python' &&
      ns !== undefined &&
      (allArchs as readonly string[]).includes(ns)
    ) {
      return { isPython: true, registryKind: 'docker-hub', archNamespace: ns };
    }
    return { isPython: false, registryKind: 'docker-hub' };
  }
  if (knownMirrors.includes(full)) return { isPython: true, registryKind: 'mirror' };
  // Any other registry serving `.../library/python` is a pull-through mirror of the official image.
  if (repository === 'library/python' || repository.endsWith('/library/python')) {
    return { isPython: true, registryKind: 'other' };
  }
  return { isPython: false, registryKind: 'other' };
}

/**
 * Parse an image reference. Throws a PybaseError (PBE002) when the text is not a reference at all or
 * carries a malformed digest. A python reference whose tag is outside the tag grammar is returned with
 * `tagError` set and no `python` part, so callers can suggest real tags.
 */
export function parseReference(text: string, options: ReferenceOptions = {}): ImageRef {
  if (text.length === 0) throw badReference(text, 'it is empty');
  if (text.length > 4096) throw badReference(`${text.slice(0, 40)}…`, 'it is longer than any real reference');
  if (/\s/.test(text)) throw badReference(text, 'it contains white space');
  if (text.includes('$')) {
    throw badReference(
      text,
      'it still holds a variable',
      'give the variable a value (ARG default or build argument)',
    );
  }

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const m = digestPattern.exec(digest);
    if (!m)
      throw badReference(
        text,
        `'${digest}' is not a digest`,
        'a digest is sha256: followed by 64 hex digits',
      );
    if (m[1] === 'sha256' && !sha256Pattern.test(m[2] ?? '')) {
      throw badReference(
        text,
        `the sha256 digest must have 64 lower-case hex digits, not ${(m[2] ?? '').length} characters`,
        'copy the digest whole, as `docker buildx imagetools inspect` or `pybase tag --online` prints it',
      );
    }
    if (m[1] !== 'sha256') throw badReference(text, `pybase only knows sha256 digests, not ${m[1]}`);
  }

  const slash = rest.indexOf('/');
  let registry: string | undefined;
  let path = rest;
  if (slash > 0 && looksLikeHost(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    if (!hostPattern.test(registry)) throw badReference(text, `'${registry}' is not a registry host`);
  }
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (tag === '') throw badReference(text, 'the tag after `:` is empty');
  }
  if (path === '') throw badReference(text, 'the image name is empty');
  for (const component of path.split('/')) {
    if (!componentPattern.test(component)) {
      throw badReference(
        text,
        `'${component}' is not a valid name component (lower-case letters, digits, . _ -)`,
      );
    }
  }

  const kind = classify(registry, path, options);
  const ref: ImageRef = {
    raw: text,
    ...(registry !== undefined ? { registry } : {}),
    repository: path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    isPython: kind.isPython,
    registryKind: kind.registryKind,
    ...(kind.archNamespace ? { archNamespace: kind.archNamespace } : {}),
  };
  if (tag !== undefined && !isValidDockerTag(tag) && !kind.isPython) {
    throw badReference(text, `'${tag}' is not a valid tag`);
  }
  if (kind.isPython) {
    try {
      ref.python = parseTag(tag ?? 'latest');
    } catch (err) {
      if (!(err instanceof PybaseError)) throw err;
      ref.tagError = err.message;
    }
  }
  return ref;
}

/** Parse, or undefined when the text is not a reference. */
export function tryParseReference(text: string, options?: ReferenceOptions): ImageRef | undefined {
  try {
    return parseReference(text, options);
  } catch (err) {
    if (err instanceof PybaseError) return undefined;
    throw err;
  }
}

/** Format a reference from its written parts: `formatReference(parseReference(x)) === x`. */
export function formatReference(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  let out = ref.registry !== undefined ? `${ref.registry}/${ref.repository}` : ref.repository;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** The same reference with another tag (and the digest dropped unless given), keeping registry and repository as written. */
export function withTag(ref: ImageRef, tag: string, digest?: string): string {
  return formatReference({
    ...(ref.registry !== undefined ? { registry: ref.registry } : {}),
    repository: ref.repository,
    tag,
    ...(digest !== undefined ? { digest } : {}),
  });
}

/** The tag a python reference effectively names (`latest` when none is written). */
export function effectiveTag(ref: ImageRef): string {
  return ref.tag ?? 'latest';
}

export type { PythonTag };
