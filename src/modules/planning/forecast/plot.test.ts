import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { renderForecastSvg } from './plot.js';

const panel = (title: string) => ({
  title,
  train: [0, 2, 0, 0, 5, 1, 0, 0, 3, 0, 0, 1],
  test: [0, 4, 0],
  forecasts: [
    { label: 'sba', values: [0.8, 0.8, 0.8] },
    { label: 'tsb(0.1, 0.1)', values: [0.6, 0.6, 0.6] },
  ],
});

describe('renderForecastSvg', () => {
  it('writes a well-formed SVG with one panel per series, history and one line per forecast', () => {
    const svg = renderForecastSvg([panel('carparts T7 (lumpy)'), panel('raf row 3 <intermittent> & co')]);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
      svg: { polyline: { '@_points': string; '@_stroke': string }[]; text: unknown[] };
    };
    // per panel: history, held-out actuals, two forecasts
    expect(doc.svg.polyline).toHaveLength(8);
    expect(svg).toContain('raf row 3 &lt;intermittent&gt; &amp; co');
    // the same method keeps its colour across panels, and the legend names it
    const strokes = doc.svg.polyline.map((p) => p['@_stroke']);
    expect(strokes[2]).toBe(strokes[6]);
    expect(strokes[2]).not.toBe(strokes[3]);
    expect(svg).toContain('>tsb(0.1, 0.1)</text>');
  });

  it('draws the forecasts over the holdout, after the last training period', () => {
    const svg = renderForecastSvg([panel('one')]);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
      svg: { polyline: { '@_points': string }[] };
    };
    const xs = (i: number) => doc.svg.polyline[i]!['@_points'].split(' ').map((p) => Number(p.split(',')[0]));
    const history = xs(0);
    const forecast = xs(2);
    expect(history).toHaveLength(12);
    expect(forecast).toHaveLength(4); // joined to the origin, then three periods
    expect(forecast[0]).toBe(history.at(-1));
    expect(Math.min(...forecast.slice(1))).toBeGreaterThan(history.at(-1)!);
  });

  it('copes with no panels and with series of zeros', () => {
    expect(XMLValidator.validate(renderForecastSvg([]))).toBe(true);
    const zeros = { title: 'z', train: [0, 0, 0], test: [0], forecasts: [{ label: 'zero', values: [0] }] };
    const svg = renderForecastSvg([zeros]);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('NaN');
  });
});
