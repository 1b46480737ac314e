const ALT =
  "Two panels. Top: a timeline of one benchmark. Loading the model comes first, then the first call, which is slow because memory is allocated and kernels are chosen, " +
  "then untimed warm-up calls, then many short steady-state calls. Three stopwatches are drawn over it: the naive one spans loading and the first call, the second spans the " +
  "first call alone, the third spans only the steady calls, whose median is what a user's hundredth request costs. Bottom: the same two-second stall of a server under two kinds of load. " +
  "With closed-loop load, each client waits for its answer before sending again, so during the stall only a few requests are in flight and only they record the delay. With open-loop load, " +
  "requests keep arriving on their schedule during the stall, queue up, and every one of them records the wait from when it was due. The drawing is a sketch, not a measurement.";

/** The mental model of lesson 2: three stopwatches over one benchmark, and closed against open-loop load during a stall. */
export function MeasurementFigure() {
  const ink = "#1d1f21";
  const blue = "#0b5cad";
  const red = "#b42318";
  const grey = "#55595e";
  const bracket = (x1: number, x2: number, y: number, label: string, colour: string) => (
    <g>
      <path d={`M${x1},${y + 8} L${x1},${y} L${x2},${y} L${x2},${y + 8}`} fill="none" stroke={colour} strokeWidth={2} />
      <text x={x1 + 4} y={y - 5} fontSize={12} fill={colour}>{label}</text>
    </g>
  );
  const steady = Array.from({ length: 14 }, (_, i) => <rect key={i} x={392 + i * 18} y={96} width={12} height={26} fill={blue} opacity={0.8} />);
  const warm = Array.from({ length: 4 }, (_, i) => <rect key={i} x={300 + i * 22} y={96} width={16} height={26} fill="#c8d3df" />);
  return (
    <figure data-testid="measurement-figure">
      <svg viewBox="0 0 680 360" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 680 }}>
        <title>{ALT}</title>
        {/* top: one benchmark, three stopwatches */}
        <text x={20} y={20} fontSize={14} fontWeight={700} fill={ink}>One benchmark, three stopwatches</text>
        <rect x={20} y={96} width={180} height={26} fill="#f3f4f6" stroke={grey} />
        <text x={60} y={114} fontSize={12} fill={ink}>load the model</text>
        <rect x={204} y={96} width={90} height={26} fill="#fde7e4" stroke={red} />
        <text x={212} y={114} fontSize={12} fill={ink}>first call</text>
        {warm}
        {steady}
        <text x={300} y={140} fontSize={11} fill={grey}>warm-up (untimed)</text>
        <text x={420} y={140} fontSize={11} fill={grey}>steady state: many timed calls</text>
        {bracket(20, 294, 46, "naive: load + first call, one reading", red)}
        {bracket(204, 294, 76, "first call alone", ink)}
        {bracket(392, 646, 76, "steady: median of many", blue)}
        {/* bottom: closed against open loop during a stall */}
        <text x={20} y={186} fontSize={14} fontWeight={700} fill={ink}>A two-second stall under two kinds of load</text>
        <rect x={250} y={196} width={160} height={150} fill="#fde7e4" opacity={0.6} />
        <text x={292} y={212} fontSize={12} fill={red}>server stalls</text>
        <text x={20} y={240} fontSize={12} fill={ink}>closed loop</text>
        <text x={20} y={254} fontSize={11} fill={grey}>(send, wait, send)</text>
        {[130, 160, 190, 220, 250, 420, 450, 480, 510, 540, 570, 600, 630].map((x) => (
          <line key={x} x1={x} y1={232} x2={x} y2={252} stroke={ink} strokeWidth={2} />
        ))}
        <line x1={250} y1={242} x2={410} y2={242} stroke={red} strokeWidth={2} strokeDasharray="5 3" />
        <text x={262} y={268} fontSize={11} fill={red}>one request waits; no new ones are sent</text>
        <text x={20} y={310} fontSize={12} fill={ink}>open loop</text>
        <text x={20} y={324} fontSize={11} fill={grey}>(arrivals on a schedule)</text>
        {[130, 160, 190, 220, 250, 280, 310, 340, 370, 400, 430, 460, 490, 520, 550, 580, 610, 640].map((x) => (
          <line key={x} x1={x} y1={302} x2={x} y2={322} stroke={x >= 250 && x <= 410 ? red : ink} strokeWidth={2} />
        ))}
        <text x={262} y={340} fontSize={11} fill={red}>every arrival queues and records the wait</text>
        <text x={540} y={356} fontSize={10} fill={grey}>sketch, not a measurement</text>
      </svg>
      <figcaption>What a stopwatch covers decides what it measures, and a load generator that waits for answers stops measuring exactly when the server is slow.</figcaption>
    </figure>
  );
}
