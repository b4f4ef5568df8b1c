import type { Resolution } from '../api-types';

const BOX_W = 132;
const BOX_H = 46;
const GAP = 150;

/**
 * The supersession chain from the number asked for to the part valid now, drawn as boxes and
 * arrows; each arrow says its kind and date, and the chart's name reads the whole chain.
 */
export function SupersessionChain({ resolution }: { resolution: Resolution }) {
  const { path, part, current } = resolution;
  const nodes = path.length ? [path[0]!.from, ...path.map((s) => s.to)] : [part.partNumber];
  const width = nodes.length * BOX_W + (nodes.length - 1) * GAP + 8;
  const height = BOX_H + 44;
  return (
    <div className="chain-scroll">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label={`Supersession chain: ${resolution.explanation}`}
      >
        <title>Supersession chain</title>
        <defs>
          <marker
            id="chain-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" fill="#475569" />
          </marker>
        </defs>
        {path.map((step, k) => {
          const x1 = 4 + k * (BOX_W + GAP) + BOX_W;
          const x2 = x1 + GAP;
          const mid = (x1 + x2) / 2;
          return (
            <g key={`${step.from}-${step.to}`}>
              <line
                x1={x1 + 4}
                x2={x2 - 4}
                y1={4 + BOX_H / 2}
                y2={4 + BOX_H / 2}
                stroke="#475569"
                strokeWidth="1.5"
                markerEnd="url(#chain-arrow)"
                markerStart={step.type === 'two_way' ? 'url(#chain-arrow)' : undefined}
              />
              <text x={mid} y={BOX_H / 2 - 4} textAnchor="middle" className="chain-label">
                {step.type === 'two_way' ? 'two-way' : 'one-way'}
              </text>
              <text x={mid} y={BOX_H / 2 + 24} textAnchor="middle" className="chain-label">
                from {step.effectiveFrom.slice(0, 10)}
              </text>
              <text x={mid} y={BOX_H + 30} textAnchor="middle" className="chain-reason">
                {step.reason.length > 26 ? `${step.reason.slice(0, 25)}…` : step.reason}
              </text>
            </g>
          );
        })}
        {nodes.map((pn, k) => {
          const x = 4 + k * (BOX_W + GAP);
          const isCurrent = pn === current.partNumber;
          return (
            <g key={pn}>
              <rect
                x={x}
                y={4}
                width={BOX_W}
                height={BOX_H}
                rx="6"
                fill={isCurrent ? '#dbeafe' : '#f8fafc'}
                stroke={isCurrent ? '#1d4ed8' : '#94a3b8'}
                strokeWidth={isCurrent ? 2 : 1}
              />
              <text x={x + BOX_W / 2} y={4 + 20} textAnchor="middle" className="chain-part">
                {pn}
              </text>
              <text x={x + BOX_W / 2} y={4 + 36} textAnchor="middle" className="chain-label">
                {isCurrent ? 'valid now' : pn === part.partNumber ? 'asked for' : 'superseded'}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
