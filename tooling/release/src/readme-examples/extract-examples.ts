import { readFileSync } from 'node:fs';

/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, as given. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The first word of the info string, e.g. `ts`. */
  language: string;
  /** The other words of the info string, e.g. `['runnable']`. */
  attributes: string[];
  code: string;
}

/** Every fenced code block (``` fences, any info string) of a Markdown file, in order. */
export function extractCodeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(\s*)(`{3,})(.*)$/.exec(lines[index] as string);
    if (!opening) continue;
    const [, indent, fence, info] = opening as unknown as [string, string, string, string];
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[end] as string)) {
      body.push((lines[end] as string).slice(indent.length));
      end++;
    }
    const [language = '', ...attributes] = info.trim().split(/\s+/);
    blocks.push({ file, line: index + 1, language, attributes, code: `${body.join('\n')}\n` });
    index = end;
  }
  return blocks;
}

/** The blocks the README check runs: TypeScript or JavaScript blocks marked `runnable` (```ts runnable). */
export function isRunnable(block: CodeBlock): boolean {
  return ['ts', 'typescript', 'js', 'javascript'].includes(block.language) && block.attributes.includes('runnable');
}
