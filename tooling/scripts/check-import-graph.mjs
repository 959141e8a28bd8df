// Checks the import graph of every package's sources (tests and test-support left out), type-only imports included:
// no circle of files inside a package, and the architecture rules of CONTRIBUTING.md between packages.
// Run: node tooling/scripts/check-import-graph.mjs   (part of `npm test`)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const packagesDir = join(root, 'packages');

/** Which @auth packages each package may import at run time or in types (its own name aside). */
const allowed = {
  core: [],
  gomus: ['core'],
  musement: ['core'],
  musimap: ['core'],
  redis: ['core'],
  testing: [],
  cli: ['core', 'gomus', 'musement', 'musimap', 'redis', 'testing'],
};

const sourceFiles = (directory) =>
  readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'test-support' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });

const importPattern = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;
const problems = [];
let files = 0;
let edges = 0;

for (const name of readdirSync(packagesDir)) {
  const source = join(packagesDir, name, 'src');
  if (!statSync(source, { throwIfNoEntry: false })?.isDirectory()) continue;
  const graph = new Map();
  for (const file of sourceFiles(source)) {
    files += 1;
    const targets = [];
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(importPattern)) {
      if (specifier.startsWith('.')) {
        targets.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
        edges += 1;
        continue;
      }
      const ours = /^@auth\/([a-z-]+)/.exec(specifier);
      if (ours && ours[1] !== name && !(allowed[name] ?? []).includes(ours[1])) {
        problems.push(
          `${relative(root, file)} imports ${specifier}: ${name} may import ${allowed[name]?.join(', ') || 'nothing of ours'}`,
        );
      }
      if (specifier.includes('tooling/')) problems.push(`${relative(root, file)} imports tooling (${specifier})`);
    }
    graph.set(file, targets);
  }
  for (const circle of circles(graph)) {
    problems.push(`import circle in ${name}: ${circle.map((file) => relative(source, file)).join(' -> ')}`);
  }
}

if (problems.length > 0) {
  console.error(`import graph: ${problems.length} problem(s)\n${problems.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}
console.log(`import graph: ${files} source files, ${edges} relative imports, no circle, package rules kept`);

/** Strongly connected components of more than one file (Tarjan), each as a list of files. */
function circles(graph) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const found = [];
  const visit = (node) => {
    const entry = { index, low: index, onStack: true };
    index += 1;
    state.set(node, entry);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const seen = state.get(next);
      if (seen === undefined) {
        visit(next);
        entry.low = Math.min(entry.low, state.get(next).low);
      } else if (seen.onStack) entry.low = Math.min(entry.low, seen.index);
    }
    if (entry.low !== entry.index) return;
    const component = [];
    for (;;) {
      const member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component.reverse());
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}
