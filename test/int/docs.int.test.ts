import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS, ROLES, ROLE_PERMISSIONS } from '../../src/modules/access/index.js';
import { ERROR_CATALOG } from '../../src/platform/errors.js';
import { openTestHub } from '../support/each-store.js';

describe('documentation stays true', () => {
  it('lists every error code of the catalogue in docs/errors.md with its status', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(ERROR_CATALOG)) {
      expect(doc, `docs/errors.md lacks ${code}`).toMatch(
        new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`),
      );
    }
  });

  it('documents in docs/access.md exactly the permissions each role has', () => {
    const doc = readFileSync(new URL('../../docs/access.md', import.meta.url), 'utf8');
    for (const permission of ALL_PERMISSIONS) {
      const row = doc.split('\n').find((line) => new RegExp(`^\\|\\s*\`${permission}\`\\s*\\|`).test(line));
      expect(row, `docs/access.md lacks ${permission}`).toBeDefined();
      const cells = row!
        .split('|')
        .slice(2, 2 + ROLES.length)
        .map((c) => c.trim() === '✓');
      ROLES.forEach((role, i) =>
        expect(cells[i], `${role} / ${permission}`).toBe(ROLE_PERMISSIONS[role].includes(permission)),
      );
    }
  });

  it('commits the OpenAPI document the code generates (npm run openapi rewrites it)', async () => {
    const t = await openTestHub('sqlite');
    try {
      await t.hub.app.ready();
      const generated = JSON.parse(JSON.stringify(t.hub.app.swagger())) as unknown;
      const committed = JSON.parse(
        readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
      ) as unknown;
      expect(committed).toEqual(generated);
    } finally {
      await t.close();
    }
  });
});
