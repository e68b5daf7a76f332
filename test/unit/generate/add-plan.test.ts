/** `withToolListed` on the shapes a user's src/tools/index.ts can take, and the ones it must refuse. */
import { describe, expect, test } from 'vitest';
import { withToolListed, type ToolRequest } from '../../../src/generate/add-plan.js';

const request: ToolRequest = { kind: 'tool', name: 'weather-alerts', title: 'Weather Alerts', description: 'x', public: false, scopes: [] };
const head = "import type { ToolDefinition } from '../auth/tools.js';\nimport { hello } from './hello.js';\n";

describe('withToolListed', () => {
  test('the generated shape: one entry a line', () => {
    expect(withToolListed(`${head}\nexport const tools: ToolDefinition[] = [\n  hello,\n];\n`, request)).toBe(
      `${head}import { weatherAlerts } from './weather-alerts.js';\n\nexport const tools: ToolDefinition[] = [\n  hello,\n  weatherAlerts,\n];\n`,
    );
  });

  test('one line, with or without a trailing comma, and with satisfies after the list', () => {
    expect(withToolListed(`${head}export const tools = [hello] satisfies ToolDefinition[];\n`, request)).toContain('export const tools = [hello, weatherAlerts] satisfies ToolDefinition[];');
    expect(withToolListed(`${head}export const tools: ToolDefinition[] = [hello,];\n`, request)).toContain('= [hello, weatherAlerts];');
    expect(withToolListed(`${head}export const tools: ToolDefinition[] = [];\n`, request)).toContain('= [weatherAlerts];');
  });

  test('a nested list is skipped over; a later list in the file is not touched', () => {
    const out = withToolListed(`${head}export const tools: ToolDefinition[] = [\n  ...[hello],\n]\nexport const other = [1];\n`, request)!;
    expect(out).toContain('  ...[hello],\n  weatherAlerts,\n]');
    expect(out).toContain('export const other = [1];');
  });

  test('shapes it cannot edit safely: undefined (add then refuses, writing nothing)', () => {
    expect(withToolListed(`${head}export { tools } from './list.js';\n`, request)).toBeUndefined();
    expect(withToolListed(`${head}export const tools = [\n  hello, // ]\n];\n`, request)).toBeUndefined();
    expect(withToolListed(`${head}export const tools = [hello\n`, request)).toBeUndefined();
  });
});
