/**
 * A single-pass JSON syntax check that says where the text goes wrong (offset, line,
 * column) and how deep it nests, so the reader can refuse with a position on every Node
 * version and refuse deep nesting before anything recursive sees it. Iterative: no input
 * can exhaust the stack.
 */
export type ScanResult =
  | { ok: true }
  | { ok: false; reason: 'syntax'; position: number; line: number; column: number; message: string }
  | { ok: false; reason: 'depth'; position: number; line: number; column: number; message: string };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

export function scanJson(text: string, maxDepth: number): ScanResult {
  let i = 0;
  const n = text.length;
  // Containers open: '{' or '['; `expect` says what may come next.
  const stack: number[] = [];
  type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'commaOrClose' | 'end';
  let expect: Expect = 'value';

  const fail = (message: string, reason: 'syntax' | 'depth' = 'syntax'): ScanResult => {
    let line = 1;
    let lineStart = 0;
    for (let k = 0; k < i && k < n; k++) {
      if (text.charCodeAt(k) === 0x0a) {
        line += 1;
        lineStart = k + 1;
      }
    }
    return { ok: false, reason, position: i, line, column: i - lineStart + 1, message };
  };
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'commaOrClose');

  const scanString = (): boolean => {
    i += 1; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i += 1;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          return false;
        }
        continue;
      }
      i += 1;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

  while (true) {
    while (i < n && WS.has(text.charCodeAt(i))) i += 1;
    if (i >= n) {
      return expect === 'end'
        ? { ok: true }
        : fail(stack.length > 0 || expect !== 'value' ? 'unexpected end of input' : 'empty input');
    }
    const ch = text[i] as string;
    switch (expect) {
      case 'end':
        return fail(`unexpected '${ch}' after the end of the document`);
      case 'colon':
        if (ch !== ':') return fail(`expected ':' but found '${ch}'`);
        i += 1;
        expect = 'value';
        continue;
      case 'commaOrClose': {
        const top = stack[stack.length - 1];
        if (ch === ',') {
          i += 1;
          expect = top === 0x7b ? 'key' : 'value';
          continue;
        }
        if ((ch === '}' && top === 0x7b) || (ch === ']' && top === 0x5b)) {
          stack.pop();
          i += 1;
          expect = afterValue();
          continue;
        }
        return fail(`expected ',' or '${top === 0x7b ? '}' : ']'}' but found '${ch}'`);
      }
      case 'key':
      case 'keyOrClose':
        if (ch === '}' && expect === 'keyOrClose') {
          stack.pop();
          i += 1;
          expect = afterValue();
          continue;
        }
        if (ch !== '"') return fail(`expected a property name in double quotes but found '${ch}'`);
        if (!scanString()) return fail('bad string');
        expect = 'colon';
        continue;
      case 'value':
      case 'valueOrClose':
        if (ch === ']' && expect === 'valueOrClose') {
          stack.pop();
          i += 1;
          expect = afterValue();
          continue;
        }
        if (ch === '{' || ch === '[') {
          if (stack.length >= maxDepth) return fail(`nesting deeper than ${maxDepth} levels`, 'depth');
          stack.push(ch.charCodeAt(0));
          i += 1;
          expect = ch === '{' ? 'keyOrClose' : 'valueOrClose';
          continue;
        }
        if (ch === '"') {
          if (!scanString()) return fail('bad string: unterminated, a control character or a bad escape');
          expect = afterValue();
          continue;
        }
        if (text.startsWith('true', i) || text.startsWith('null', i)) {
          i += 4;
          expect = afterValue();
          continue;
        }
        if (text.startsWith('false', i)) {
          i += 5;
          expect = afterValue();
          continue;
        }
        NUMBER.lastIndex = i;
        if (NUMBER.test(text)) {
          i = NUMBER.lastIndex;
          expect = afterValue();
          continue;
        }
        return fail(`unexpected '${ch}' where a value should be`);
    }
  }
}
