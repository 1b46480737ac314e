const ALT =
  "Requests of different sizes arrive at random on the left and reach a router. The router sends each request to one of two lanes, each with its own queue: " +
  "lane A, a CPU, and lane B, a GPU. A size-threshold policy sends small requests to the CPU and large ones to the GPU; a least-expected-completion policy " +
  "asks each lane's queue when it would finish the request and picks the sooner. A dashed box around both lanes notes that on this lab's server the two " +
  "lanes share the same two CPU cores, because its GPU lane is a software GPU, so work on one lane slows the other.";

/** The router's mental model: arrivals, a policy, two queued lanes, and the cores they may share. */
export function HybridFigure() {
  const ink = "#1d1f21";
  const blue = "#0b5cad";
  const grey = "#55595e";
  return (
    <figure data-testid="hybrid-figure">
      <svg viewBox="0 0 640 300" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="hf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={ink} />
          </marker>
        </defs>
        <text x={16} y={24} fontSize={14} fontWeight={700} fill={ink}>Arrivals</text>
        {[60, 100, 130, 190, 230].map((y, i) => (
          <rect key={y} x={24 + (i % 2) * 22} y={y} width={i === 2 ? 34 : 14} height={i === 2 ? 26 : 14} rx={2} fill="#e6f0fb" stroke={blue} />
        ))}
        <text x={16} y={280} fontSize={11} fill={grey}>1 item … 32 items</text>
        <line x1={96} y1={150} x2={176} y2={150} stroke={ink} strokeWidth={2} markerEnd="url(#hf-arrow)" />
        <rect x={180} y={110} width={110} height={80} rx={8} fill="#fff" stroke={ink} strokeWidth={2} />
        <text x={204} y={142} fontSize={14} fontWeight={700} fill={ink}>Router</text>
        <text x={190} y={162} fontSize={11} fill={grey}>size ≤ N → A</text>
        <text x={190} y={178} fontSize={11} fill={grey}>or: who finishes first?</text>
        <line x1={292} y1={135} x2={380} y2={85} stroke={ink} strokeWidth={2} markerEnd="url(#hf-arrow)" />
        <line x1={292} y1={165} x2={380} y2={215} stroke={ink} strokeWidth={2} markerEnd="url(#hf-arrow)" />
        <rect x={372} y={40} width={252} height={236} rx={10} fill="none" stroke={grey} strokeDasharray="6 4" />
        <text x={384} y={268} fontSize={11} fill={grey}>here: both lanes on the same 2 CPU cores</text>
        {/* lane A */}
        {[0, 1, 2].map((i) => (
          <rect key={i} x={386 + i * 20} y={72} width={14} height={14} rx={2} fill="#e6f0fb" stroke={blue} />
        ))}
        <text x={386} y={66} fontSize={11} fill={grey}>queue</text>
        <rect x={460} y={58} width={150} height={44} rx={6} fill="#e6f0fb" stroke={blue} />
        <text x={472} y={85} fontSize={13} fill={ink}>Lane A: CPU</text>
        {/* lane B */}
        {[0, 1].map((i) => (
          <rect key={i} x={386 + i * 38} y={200} width={30} height={26} rx={2} fill="#e6f0fb" stroke={blue} />
        ))}
        <text x={386} y={194} fontSize={11} fill={grey}>queue</text>
        <rect x={460} y={192} width={150} height={44} rx={6} fill="#fdf1e3" stroke="#b35c00" />
        <text x={472} y={219} fontSize={13} fill={ink}>Lane B: GPU</text>
        <line x1={535} y1={104} x2={535} y2={188} stroke="#b35c00" strokeWidth={1.5} strokeDasharray="3 3" markerStart="url(#hf-arrow)" markerEnd="url(#hf-arrow)" />
        <text x={542} y={150} fontSize={11} fill="#b35c00">slow each other</text>
      </svg>
      <figcaption>A router in front of two lanes. Which lane a request goes to is the policy; how long it waits there is the queue; on this server both lanes share the CPU.</figcaption>
    </figure>
  );
}
