// An esbuild plugin for the CLI bundle: rewrites `import { a, b } from '../index.js'` (the public API
// barrel) into imports from the modules that declare `a` and `b`.
//
// Why: esbuild's code splitting decides which chunk a file lands in from the files an entry point
// reaches through import statements, whatever names it actually uses. Every command imports the
// barrel, and the barrel re-exports every module, so without this rewrite every command (and
// `pybase --version`) reaches, and loads, the whole library: zod, undici, yaml, the Dockerfile parser
// and every rule (3 MB of JavaScript). With it, a command loads only the modules it uses.
//
// The source keeps its one import site (the CLI imports only from the public API); only the bundle
// changes. Names the TypeScript checker cannot trace to one declaring module stay on the barrel.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * For every name exported by `barrel`: the file that declares it and the name that file exports it
 * under. Built with the TypeScript checker, so `export *`, `export { x as y }` and nested barrels are
 * followed exactly as the compiler follows them.
 */
export function exportOrigins(barrel) {
  const program = ts.createProgram([barrel], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    allowJs: false,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const resolveAlias = (symbol) =>
    symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

  // For each source module: which of its exports it declares itself, keyed by the declared symbol.
  const declaredBy = new Map();
  const srcDir = dirname(barrel);
  for (const file of program.getSourceFiles()) {
    if (!file.fileName.startsWith(srcDir) || file.isDeclarationFile) continue;
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = resolveAlias(exported);
      const declarations = target.declarations ?? [];
      if (declarations.length === 0) continue;
      if (declarations.every((d) => d.getSourceFile() === file) && !declaredBy.has(target)) {
        declaredBy.set(target, { file: file.fileName, name: exported.name });
      }
    }
  }

  const origins = new Map();
  const barrelFile = program.getSourceFile(barrel);
  const barrelSymbol = barrelFile && checker.getSymbolAtLocation(barrelFile);
  if (!barrelSymbol) throw new Error(`direct-imports: cannot read ${barrel}`);
  for (const exported of checker.getExportsOfModule(barrelSymbol)) {
    const origin = declaredBy.get(resolveAlias(exported));
    if (origin) origins.set(exported.name, origin);
  }
  return origins;
}

/** Rewrites the barrel imports of one source text; returns undefined when there is nothing to do. */
export function rewriteBarrelImports(text, fileName, barrel, origins) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const edits = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const specifier = statement.moduleSpecifier.text;
    if (!specifier.startsWith('.')) continue;
    const target = resolve(dirname(fileName), specifier).replace(/\.js$/, '.ts');
    if (target !== barrel) continue;
    const clause = statement.importClause;
    // Only `import { ... } from` is rewritten; anything else (namespace, default) stays as written.
    if (!clause || clause.name || !clause.namedBindings || !ts.isNamedImports(clause.namedBindings)) {
      continue;
    }
    // Values and types go to separate statements: with `verbatimModuleSyntax`, an import whose
    // names are all inline `type` ones is kept as a bare `import 'module'`, which would load (and
    // pull into the command's chunks) a module the command only takes types from.
    const byFile = new Map();
    const kept = [];
    for (const element of clause.namedBindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      const local = element.name.text;
      const isType = clause.isTypeOnly || element.isTypeOnly;
      const origin = origins.get(imported);
      if (!origin) {
        kept.push(`${isType ? 'type ' : ''}${imported} as ${local}`);
        continue;
      }
      const key = `${isType ? 'type' : 'value'}\u0000${origin.file}`;
      const list = byFile.get(key) ?? [];
      list.push(`${origin.name} as ${local}`);
      byFile.set(key, list);
    }
    const lines = [];
    for (const [key, specs] of byFile) {
      const [kind, file] = key.split('\u0000');
      const keyword = kind === 'type' ? 'import type' : 'import';
      lines.push(`${keyword} { ${specs.join(', ')} } from ${JSON.stringify(file)};`);
    }
    if (kept.length > 0) lines.push(`import { ${kept.join(', ')} } from ${JSON.stringify(specifier)};`);
    edits.push({ start: statement.getStart(source), end: statement.getEnd(), text: lines.join('\n') });
  }
  if (edits.length === 0) return undefined;
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/** The plugin: applies to the TypeScript files under `importersDir` (the CLI). */
export function directImportsPlugin({ barrel, importersDir }) {
  return {
    name: 'direct-imports',
    setup(build) {
      let origins;
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(importersDir)) return undefined;
        origins ??= exportOrigins(barrel);
        const text = readFileSync(args.path, 'utf8');
        const contents = rewriteBarrelImports(text, args.path, barrel, origins);
        return contents === undefined ? undefined : { contents, loader: 'ts' };
      });
    },
  };
}
