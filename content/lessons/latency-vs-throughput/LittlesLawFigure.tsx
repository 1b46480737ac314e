const ALT =
  "Diagram of Little's law. Requests arrive from the left at a rate of lambda per second and enter a box labelled 'the system', which holds a queue of waiting requests and a worker serving one. " +
  "Completed requests leave on the right at the same rate when the system is stable. A bracket under the box marks W, the mean time one request spends inside, and a label marks L, the mean number inside. " +
  "Below: L equals lambda times W.";

/** Little's law as a picture: what goes in, what is inside, how long it stays. */
export function LittlesLawFigure() {
  const dot = (x: number, key: string, fill = "#0b5cad") => <circle key={key} cx={x} cy={96} r={9} fill={fill} />;
  return (
    <figure data-testid="littles-law-figure">
      <svg viewBox="0 0 640 230" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="ll-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="#1d1f21" />
          </marker>
        </defs>
        {/* arrivals */}
        <line x1={10} y1={96} x2={150} y2={96} stroke="#1d1f21" strokeWidth={2} markerEnd="url(#ll-arrow)" />
        <text x={12} y={80} fontSize={14} fill="#1d1f21">arrivals: λ per s</text>
        {dot(40, "a1", "#8fb6e0")}
        {dot(100, "a2", "#8fb6e0")}
        {/* the system */}
        <rect x={160} y={40} width={320} height={112} rx={12} fill="#e6f0fb" stroke="#0b5cad" strokeWidth={2} />
        <text x={172} y={62} fontSize={14} fill="#0b5cad" fontWeight={700}>the system</text>
        <text x={190} y={130} fontSize={13} fill="#1d1f21">queue (waiting)</text>
        {[200, 225, 250, 275].map((x, i) => dot(x, `q${i}`))}
        <rect x={360} y={70} width={100} height={52} rx={6} fill="#fff" stroke="#1d1f21" />
        <text x={372} y={92} fontSize={13} fill="#1d1f21">worker</text>
        <text x={372} y={110} fontSize={13} fill="#1d1f21">(CPU, GPU)</text>
        {dot(340, "s")}
        <text x={300} y={32} fontSize={14} fill="#1d1f21">L: requests inside, on average</text>
        {/* completions */}
        <line x1={480} y1={96} x2={630} y2={96} stroke="#1d1f21" strokeWidth={2} markerEnd="url(#ll-arrow)" />
        <text x={490} y={80} fontSize={14} fill="#1d1f21">completed: X per s</text>
        <text x={490} y={122} fontSize={12} fill="#55595e">(X = λ when stable)</text>
        {/* W bracket */}
        <path d="M160,164 v10 h320 v-10" fill="none" stroke="#1d1f21" strokeWidth={1.5} />
        <text x={200} y={194} fontSize={14} fill="#1d1f21">W: mean time one request spends inside</text>
        <text x={250} y={222} fontSize={18} fill="#1d1f21" fontWeight={700}>L = λ × W</text>
      </svg>
      <figcaption>
        Little&apos;s law. It needs only long-run averages: no assumption about how requests arrive, in what order they are served, or how many workers there are.
      </figcaption>
    </figure>
  );
}
