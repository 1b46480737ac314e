const ALT =
  "Two panels. Top: at batch 1 the processor reads the whole weight matrix from memory to produce one answer; at batch B it reads the same weights once and produces B answers, " +
  "so the work done per byte read grows with B. Bottom: a schematic chart of throughput against batch size on logarithmic axes. Throughput first rises with the batch while the " +
  "per-call overhead or the weight reads are shared by more items, then bends at the knee and flattens against the compute ceiling; past the knee a bigger batch only takes longer. " +
  "The chart is a sketch, not a measurement.";

/** Why batching helps (weights read once per batch) and the shape of a sweep (rise, knee, flat). */
export function BatchingFigure() {
  const ink = "#1d1f21";
  const blue = "#0b5cad";
  return (
    <figure data-testid="batching-figure">
      <svg viewBox="0 0 640 400" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="bf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={ink} />
          </marker>
        </defs>
        {/* top left: batch 1 */}
        <text x={20} y={22} fontSize={14} fontWeight={700} fill={ink}>Batch 1</text>
        <rect x={20} y={34} width={110} height={70} rx={6} fill="#e6f0fb" stroke={blue} />
        <text x={30} y={62} fontSize={13} fill={ink}>weights</text>
        <text x={30} y={80} fontSize={12} fill="#55595e">(all of them)</text>
        <line x1={132} y1={69} x2={196} y2={69} stroke={ink} strokeWidth={2} markerEnd="url(#bf-arrow)" />
        <text x={136} y={60} fontSize={11} fill={ink}>read once</text>
        <rect x={200} y={52} width={60} height={34} rx={4} fill="#fff" stroke={ink} />
        <text x={212} y={74} fontSize={12} fill={ink}>cores</text>
        <text x={200} y={106} fontSize={13} fill={ink}>↓ 1 answer</text>
        {/* top right: batch B */}
        <text x={350} y={22} fontSize={14} fontWeight={700} fill={ink}>Batch B</text>
        <rect x={350} y={34} width={110} height={70} rx={6} fill="#e6f0fb" stroke={blue} />
        <text x={360} y={62} fontSize={13} fill={ink}>weights</text>
        <text x={360} y={80} fontSize={12} fill="#55595e">(the same)</text>
        <line x1={462} y1={69} x2={516} y2={69} stroke={ink} strokeWidth={2} markerEnd="url(#bf-arrow)" />
        <text x={464} y={60} fontSize={11} fill={ink}>read once</text>
        <rect x={520} y={52} width={60} height={34} rx={4} fill="#fff" stroke={ink} />
        <text x={532} y={74} fontSize={12} fill={ink}>cores</text>
        <text x={520} y={106} fontSize={13} fill={ink}>↓ B answers</text>
        {/* bottom: schematic sweep */}
        <line x1={80} y1={360} x2={600} y2={360} stroke={ink} markerEnd="url(#bf-arrow)" />
        <line x1={80} y1={360} x2={80} y2={150} stroke={ink} markerEnd="url(#bf-arrow)" />
        <text x={440} y={390} fontSize={13} fill={ink}>batch size (log) →</text>
        <text x={20} y={146} fontSize={13} fill={ink}>throughput (log)</text>
        <line x1={80} y1={200} x2={590} y2={200} stroke="#55595e" strokeDasharray="6 4" />
        <text x={420} y={192} fontSize={12} fill="#55595e">compute ceiling</text>
        <path d="M90,340 L250,240 Q300,208 360,204 L580,202" fill="none" stroke={blue} strokeWidth={3} />
        <circle cx={330} cy={207} r={7} fill="none" stroke="#b42318" strokeWidth={2.5} />
        <text x={312} y={232} fontSize={13} fill="#b42318">knee</text>
        <text x={96} y={300} fontSize={12} fill={ink}>rises: overhead or</text>
        <text x={96} y={315} fontSize={12} fill={ink}>weight reads shared</text>
        <text x={400} y={240} fontSize={12} fill={ink}>flat: each batch only</text>
        <text x={400} y={255} fontSize={12} fill={ink}>takes longer</text>
        <text x={470} y={350} fontSize={11} fill="#55595e">sketch, not a measurement</text>
      </svg>
      <figcaption>Batching shares what each call costs regardless of size. Your own sweeps below draw the real curve for two models.</figcaption>
    </figure>
  );
}
