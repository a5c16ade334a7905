/**
 * Which locked packages each dependency group installs, and under which environment marker:
 * a walk of the lock's dependency graph from each group's direct dependencies. A node is a package
 * with one of its extras ('' = the package itself); an edge may carry a marker and ask for extras.
 */

import { type Condition, conjoin, disjoin, sameCondition } from './shared.js';

export interface GraphEdge<P> {
  /** The packages the edge may lead to (several when a lock holds one name at several versions). */
  targets: P[];
  marker?: string;
  extras: string[];
}

/**
 * Walks from each group's seed edges. `edgesOf(p, extra)` gives the edges of a package ('' extra)
 * or of one of its extras. Returns, per group, the condition under which each reached package is
 * installed (null = always).
 */
export function walkGroups<P>(
  seeds: Map<string, GraphEdge<P>[]>,
  edgesOf: (p: P, extra: string) => GraphEdge<P>[],
): Map<string, Map<P, Condition>> {
  const result = new Map<string, Map<P, Condition>>();
  for (const [group, groupSeeds] of seeds) {
    const nodes = new Map<P, Map<string, Condition>>();
    const queue: [P, string][] = [];
    const reach = (p: P, extra: string, condition: Condition) => {
      let extras = nodes.get(p);
      if (extras === undefined) {
        extras = new Map();
        nodes.set(p, extras);
      }
      const previous = extras.get(extra);
      const next = previous === undefined ? condition : disjoin(previous, condition);
      if (previous !== undefined && sameCondition(previous, next)) return;
      extras.set(extra, next);
      queue.push([p, extra]);
    };
    const follow = (edges: GraphEdge<P>[], condition: Condition) => {
      for (const edge of edges) {
        const next = conjoin(condition, edge.marker);
        for (const target of edge.targets) {
          reach(target, '', next);
          for (const extra of edge.extras) reach(target, extra, next);
        }
      }
    };
    follow(groupSeeds, null);
    // Conditions only grow and are capped (see shared.ts), so the walk ends; the bound is a guard.
    let steps = 0;
    for (let head = 0; head < queue.length && steps < 2_000_000; head++, steps++) {
      const [p, extra] = queue[head]!;
      follow(edgesOf(p, extra), nodes.get(p)?.get(extra) ?? null);
    }
    const perPackage = new Map<P, Condition>();
    for (const [p, extras] of nodes) {
      let condition: Condition | undefined;
      for (const c of extras.values()) condition = condition === undefined ? c : disjoin(condition, c);
      perPackage.set(p, condition ?? null);
    }
    result.set(group, perPackage);
  }
  return result;
}
