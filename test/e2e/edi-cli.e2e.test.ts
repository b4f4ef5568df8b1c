import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const X12 = join(ROOT, 'test/fixtures/x12');

function edi(...args: string[]) {
  const res = spawnSync(process.execPath, ['bin/sparehub.js', 'edi', 'parse', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('sparehub edi parse', () => {
  it('prints every interchange, group and set of a real file with its canonical message', () => {
    const out = edi(join(X12, 'EdiEngine/MultipleInterchangesAndGroups.edi'), '--json');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as {
      interchanges: Array<{
        controlNumber: string;
        groups: Array<{
          controlNumber: string;
          sets: Array<{ id: string; canonical: Array<{ type: string }> }>;
        }>;
      }>;
    };
    expect(report.interchanges.map((i) => i.controlNumber)).toEqual(['000003438', '000003439']);
    expect(report.interchanges.flatMap((i) => i.groups.map((g) => g.controlNumber))).toEqual([
      '3313',
      '3314',
      '3315',
      '3316',
    ]);
    const sets = report.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
    expect(sets).toHaveLength(6);
    expect(sets.every((s) => s.id === '940' && s.canonical[0]?.type === 'warehouse.shipping_order')).toBe(
      true,
    );
  });

  it('exits non-zero naming the failed check on a broken file', () => {
    const wrongCount = edi(join(X12, 'EdiEngine/940_Failed_SE01.edi'));
    expect(wrongCount.code).toBe(1);
    expect(wrongCount.stderr).toContain(
      'X12_SE_COUNT_MISMATCH: SE01 says 12 segments, transaction set 20066 has 9',
    );
    const mismatch = edi(join(X12, 'EdiEngine/ControlNumbersMismatch.edi'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/X12_SE_CONTROL_MISMATCH/);
    expect(mismatch.stderr).toMatch(/X12_IEA_CONTROL_MISMATCH|X12_GE_CONTROL_MISMATCH/);
  });

  it('accepts a trailer discrepancy only when told to be lenient, and reads IDoc XML too', () => {
    const strict = edi(join(X12, 'X12Parser/940_simplot.txt'));
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/interchange \d+: X12_(GE|IEA)_/);
    expect(edi(join(X12, 'X12Parser/940_simplot.txt'), '--lenient').code).toBe(0);
    const idoc = edi(join(ROOT, 'src/connectors/formats/idoc/testdata/delvry07-despatch-advice.xml'));
    expect(idoc.code).toBe(0);
    expect(idoc.stdout).toContain('→ ship.notice');
  });
});
