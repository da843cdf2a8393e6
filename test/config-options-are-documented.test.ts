/**
 * The zod schemas are where a user's editor finds the docs of every option (the option
 * types are their z.input): each field of each schema object carries `@example`, and each
 * optional one `@default`. Read from the sources with the TypeScript parser.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const schemaFiles = [
  ...readdirSync(join(root, 'src/config'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `src/config/${f}`),
  'src/server/serve-options.ts',
  'src/ai-sdk/switchboard-language-model.ts',
];

/** "file:line field: missing @x" for every schema field without its tags; also the number of fields seen. */
function undocumented(file: string): { missing: string[]; fields: number } {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const missing: string[] = [];
  let fields = 0;
  const visit = (node: ts.Node): void => {
    const arg = ts.isCallExpression(node) ? node.arguments[0] : undefined;
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      (node.expression.name.text === 'strictObject' || node.expression.name.text === 'object') &&
      arg &&
      ts.isObjectLiteralExpression(arg)
    ) {
      for (const p of arg.properties) {
        if (!ts.isPropertyAssignment(p)) continue;
        fields++;
        const docs = ts
          .getJSDocCommentsAndTags(p)
          .map((d) => d.getText())
          .join(' ');
        // `hook(name)` in hooks-schema.ts is `fn(name).optional()`.
        const optional = /\.optional\(\)\s*$/.test(p.initializer.getText()) || /^hook\(/.test(p.initializer.getText());
        const line = source.getLineAndCharacterOfPosition(p.getStart()).line + 1;
        if (!docs.includes('@example')) missing.push(`${file}:${line} ${p.name.getText()}: missing @example`);
        if (optional && !docs.includes('@default')) missing.push(`${file}:${line} ${p.name.getText()}: missing @default`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { missing, fields };
}

describe('option docs live on the schemas', () => {
  it('every schema field has @example, and every optional one @default', () => {
    const results = schemaFiles.map(undocumented);
    expect(results.flatMap((r) => r.missing)).toEqual([]);
    // The scan really reads the schemas (a parser change would otherwise pass vacuously).
    expect(results.reduce((n, r) => n + r.fields, 0)).toBeGreaterThan(150);
  });
});
