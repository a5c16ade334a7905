/**
 * What pybase reads out of a repository before judging anything: every image reference and every
 * statement of a Python version, each with its exact place in the file, plus ignore pragmas and
 * the problems met while reading. Produced by `extractProject` (src/files/extract.ts); tags are
 * not parsed here (the reference parser decides later whether an image is python).
 */
import type { Diagnostic, SourceRange } from './diagnostic.js';
import type { Stage } from './stage.js';

/** Where an image reference was written. */
export type ReferenceKind =
  | 'dockerfile-from'
  | 'dockerfile-copy-from'
  | 'dockerfile-mount-from'
  | 'compose-image'
  | 'gha-container'
  | 'gha-service'
  /** `runs.image: docker://python:...` of a Docker container action. */
  | 'gha-action-image'
  /** `uses: docker://python:...` of a step, in a workflow job or a composite action. */
  | 'gha-step-image'
  | 'gitlab-image'
  | 'gitlab-service';

/** Where a substituted value came from. */
export type OriginSource =
  /** `ARG NAME=value` in the Dockerfile: `range` covers the value, the place a fixer edits. */
  | 'arg-default'
  /** `build.args` of a compose service that builds the Dockerfile. */
  | 'compose-build-arg'
  /** `NAME=value` in the `.env` file beside a compose file (compose interpolates it into the file). */
  | 'compose-env'
  /** Build arguments given in pybase's configuration (no file range). */
  | 'config-build-arg'
  /** A value of a GitHub Actions `strategy.matrix` key (or of a matrix `include` entry). */
  | 'matrix'
  /** A GitHub Actions `env:` value (workflow, job or step level). */
  | 'env'
  /** The `default` of an input of a GitHub composite action (`${{ inputs.x }}`). */
  | 'action-input'
  /** A GitLab CI `variables:` value (global or job level). */
  | 'ci-variable';

/** One substituted value: its name, the text written at its origin, and where that is. */
export interface ValueOrigin {
  name: string;
  /** The value as written at `range` (before any substitution inside it). */
  value: string;
  source: OriginSource;
  /** Absent for configuration-supplied values. */
  file?: string;
  range?: SourceRange;
  /**
   * Set when the value is a bare YAML number whose text YAML changes (`3.10` is the number 3.1): the
   * text the tool reading the file gets instead of `value`.
   */
  readAs?: string;
}

export interface DockerStageInfo {
  /** 0-based index of the build stage (the FROM instruction) the reference belongs to. */
  index: number;
  /** The name after `AS`, when given. */
  name?: string;
  /** True for the last stage of the Dockerfile (the image `docker build` produces by default). */
  isFinal: boolean;
}

export interface ExtractedReference {
  kind: ReferenceKind;
  /** Path relative to the scanned root, '/' separators. */
  file: string;
  /** Exact range of the reference text in the file (what a fixer would replace). */
  range: SourceRange;
  /** As written, e.g. 'python:${PY}-slim' (continuation lines of a Dockerfile joined). */
  text: string;
  /** After ARG / build-arg / env / matrix substitution, when different from `text` and fully known. */
  resolved?: string;
  /** Variables without a value (then `resolved` is absent). */
  unresolved?: string[];
  /** Where substituted values came from (ARG default ranges: the fixer edits there). */
  origins?: ValueOrigin[];
  stage: Stage;
  dockerStage?: DockerStageInfo;
  /** `FROM --platform=` value, resolved when all its variables are known, else as written. */
  platform?: string;
  /** GitHub Actions / GitLab CI job id. */
  job?: string;
  /** Compose service name, or the service container name in CI. */
  service?: string;
  /** Set when the reference is in a Dockerfile written inside `file` (a compose `dockerfile_inline`). */
  embedded?: EmbeddedDockerfile;
}

/**
 * A Dockerfile written inside another file: the value of a compose service's
 * `build.dockerfile_inline`. What is read from it (references, stage bases, stage copies) names the
 * compose file as its `file` and carries this, so that its stages are told apart from those of
 * another inline Dockerfile of the same file.
 */
export interface EmbeddedDockerfile {
  /** Where the value is written: `services.web.build.dockerfile_inline`. */
  key: string;
  /**
   * True when every position inside the Dockerfile is known in the file (a literal block scalar
   * `|`, or a value on one line written as it reads). False for a folded (`>`) or multi-line quoted
   * value, whose lines YAML joins: then every range covers the whole value.
   */
  exact: boolean;
}

/** The Dockerfile something read from one belongs to: its file, or its file and key when embedded. */
export function dockerfileOf(item: { file: string; embedded?: EmbeddedDockerfile }): string {
  return item.embedded ? `${item.file}#${item.embedded.key}` : item.file;
}

/**
 * A FROM that does not name a pullable image: an earlier build stage, or `scratch`. Kept so that
 * rules can follow a multi-stage build; never reported as an image reference.
 */
export interface StageBaseReference {
  file: string;
  range: SourceRange;
  text: string;
  /** The earlier stage's index, absent for `scratch`. */
  baseStageIndex?: number;
  dockerStage: DockerStageInfo;
  stage: Stage;
  embedded?: EmbeddedDockerfile;
}

/**
 * A `COPY --from=<stage>` or `RUN --mount=...,from=<stage>` that names an earlier build stage of the
 * same Dockerfile: the stage takes files (built wheels, a virtualenv) from that stage.
 */
export interface StageCopy {
  file: string;
  /** Range of the `--from` / `from=` value as written. */
  range: SourceRange;
  kind: 'copy' | 'mount';
  /** The stage the instruction belongs to. */
  stageIndex: number;
  /** The earlier stage it names. */
  fromStageIndex: number;
  embedded?: EmbeddedDockerfile;
}

export type VersionStatementKind =
  | 'python-version-file'
  | 'requires-python'
  | 'poetry-python'
  | 'runtime-txt'
  | 'pipfile-python-version'
  | 'pipfile-python-full-version'
  | 'tool-versions'
  | 'tox-envlist'
  | 'setup-cfg'
  | 'setup-python'
  | 'setup-python-file';

export interface VersionStatement {
  kind: VersionStatementKind;
  file: string;
  /** Range of the value as written. */
  range: SourceRange;
  /** The value as written (`3.12`, `>=3.10,<3.14`, `${{ matrix.python-version }}`, `py311, py312`). */
  text: string;
  /** Concrete versions named (`['3.11', '3.12']`), after matrix / env expansion for setup-python. */
  versions?: string[];
  /** A PEP 440 / Poetry specifier (`requires-python`, Poetry `python`, `python_requires`). */
  specifier?: string;
  /** Expressions or variables that could not be expanded. */
  unresolved?: string[];
  /** Where expanded values were written (matrix entries, env values). */
  origins?: ValueOrigin[];
  /**
   * For a statement written as a list of values (the versions of a `.tool-versions` line, the items
   * of a setup-python list, the lines of a setup-python block): each value where it is written, with
   * the versions it names. Absent when the statement is a single value.
   */
  parts?: StatementPart[];
  /** Values written as bare YAML numbers that YAML reads as another text (`3.10` as 3.1). */
  yamlNumbers?: YamlNumber[];
  stage: Stage;
  job?: string;
}

/** One value of a statement that writes several: `3.8.18` of `python 3.8.18 3.12.7`. */
export interface StatementPart {
  /** The value as written. */
  text: string;
  range: SourceRange;
  /** The versions it names, after expansion (several for `${{ matrix.python }}`, none when unresolved). */
  versions: string[];
}

/** A bare YAML number whose text YAML changes: `3.10` is read as the number 3.1. */
export interface YamlNumber {
  written: string;
  readAs: string;
  range: SourceRange;
}

export interface IgnorePragma {
  file: string;
  /** Line of the pragma comment (1-based). */
  line: number;
  codes: string[];
  scope: 'next' | 'file';
  /** For `next`: the lines of the instruction or key the pragma applies to. */
  target?: { startLine: number; endLine: number };
}

/** The kinds of files discovery recognises. */
export type ProjectFileKind =
  | 'dockerfile'
  | 'compose'
  | 'github-workflow'
  | 'github-action'
  | 'gitlab-ci'
  | 'python-version'
  | 'pyproject'
  | 'runtime-txt'
  | 'pipfile'
  | 'tool-versions'
  | 'tox-ini'
  | 'setup-cfg';

export interface Extraction {
  /** Files read, relative to the root, in deterministic (sorted) order. */
  files: string[];
  references: ExtractedReference[];
  /** FROMs naming an earlier stage or `scratch`. */
  stageBases: StageBaseReference[];
  /** Instructions that take files from an earlier stage (absent in extractions made without them). */
  stageCopies?: StageCopy[];
  versions: VersionStatement[];
  pragmas: IgnorePragma[];
  diagnostics: Diagnostic[];
  /** The text of every Dockerfile written inside another file (compose `dockerfile_inline`). */
  embeddedDockerfiles?: EmbeddedDockerfileText[];
}

export interface EmbeddedDockerfileText extends EmbeddedDockerfile {
  file: string;
  /** The Dockerfile as YAML reads the value. */
  text: string;
}
