const ALT =
  "Two panels. Left: a CPU drawn as a few large cores, each with a row of SIMD lanes that apply one instruction to several numbers at once, and a matrix unit beside them, " +
  "all fed from main memory through one pipe; a GPU drawn as many small cores with many more lanes in total, fed through a wider pipe. Both are parallel machines; they differ in how " +
  "many lanes they have and how fast memory can feed them. Right: a schematic roofline, achieved operations per second against arithmetic intensity on logarithmic axes. The roof " +
  "rises along the memory-bandwidth slope to the ridge point, then runs flat at the compute ceiling. Three regions are marked: memory-bound under the slope, compute-bound under the " +
  "flat part, and overhead-bound far below the roof anywhere. The drawing is a sketch, not a measurement.";

/** The mental model of lesson 1: two parallel processors fed by memory, and the three regimes on a roofline. */
export function ProcessorsFigure() {
  const ink = "#1d1f21";
  const blue = "#0b5cad";
  const grey = "#55595e";
  const lanes = (x: number, y: number, n: number, w: number) =>
    Array.from({ length: n }, (_, i) => <rect key={i} x={x + i * (w + 2)} y={y} width={w} height={8} fill={blue} opacity={0.75} />);
  return (
    <figure data-testid="processors-figure">
      <svg viewBox="0 0 680 330" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 680 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="pf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={ink} />
          </marker>
        </defs>
        {/* CPU */}
        <text x={20} y={22} fontSize={14} fontWeight={700} fill={ink}>CPU</text>
        {[0, 1, 2, 3].map((i) => (
          <g key={i}>
            <rect x={20 + (i % 2) * 110} y={34 + Math.floor(i / 2) * 52} width={100} height={44} rx={5} fill="#fff" stroke={ink} />
            <text x={28 + (i % 2) * 110} y={50 + Math.floor(i / 2) * 52} fontSize={11} fill={ink}>core</text>
            {lanes(28 + (i % 2) * 110, 58 + Math.floor(i / 2) * 52, 8, 8)}
          </g>
        ))}
        <rect x={240} y={34} width={48} height={96} rx={5} fill="#e6f0fb" stroke={blue} />
        <text x={246} y={78} fontSize={11} fill={ink}>matrix</text>
        <text x={250} y={92} fontSize={11} fill={ink}>unit</text>
        <rect x={20} y={150} width={268} height={24} rx={4} fill="#f3f4f6" stroke={grey} />
        <text x={110} y={167} fontSize={12} fill={ink}>main memory</text>
        <line x1={150} y1={148} x2={150} y2={134} stroke={ink} strokeWidth={3} markerEnd="url(#pf-arrow)" />
        <text x={158} y={144} fontSize={10} fill={grey}>narrower pipe</text>
        {/* GPU */}
        <text x={20} y={202} fontSize={14} fontWeight={700} fill={ink}>GPU</text>
        {Array.from({ length: 16 }, (_, i) => (
          <g key={i}>
            <rect x={20 + (i % 8) * 34} y={212 + Math.floor(i / 8) * 26} width={30} height={22} rx={3} fill="#fff" stroke={ink} />
            {lanes(23 + (i % 8) * 34, 219 + Math.floor(i / 8) * 26, 4, 4)}
          </g>
        ))}
        <rect x={20} y={272} width={268} height={24} rx={4} fill="#f3f4f6" stroke={grey} />
        <text x={100} y={289} fontSize={12} fill={ink}>device memory</text>
        <line x1={150} y1={270} x2={150} y2={264} stroke={ink} strokeWidth={8} />
        <text x={20} y={318} fontSize={11} fill={grey}>■ one SIMD lane: the same instruction on one more number</text>
        {/* roofline sketch */}
        <line x1={360} y1={290} x2={660} y2={290} stroke={ink} markerEnd="url(#pf-arrow)" />
        <line x1={360} y1={290} x2={360} y2={40} stroke={ink} markerEnd="url(#pf-arrow)" />
        <text x={470} y={318} fontSize={12} fill={ink}>FLOPs per byte (log) →</text>
        <text x={366} y={36} fontSize={12} fill={ink}>GFLOP/s (log)</text>
        <path d="M370,270 L520,90 L650,90" fill="none" stroke={blue} strokeWidth={3} />
        <circle cx={520} cy={90} r={5} fill={blue} />
        <text x={500} y={78} fontSize={12} fill={ink}>ridge</text>
        <text x={560} y={82} fontSize={11} fill={grey}>compute ceiling</text>
        <text x={392} y={188} fontSize={11} fill={grey} transform="rotate(-50 392 188)">bandwidth slope</text>
        <text x={430} y={240} fontSize={12} fill="#b42318">memory-bound</text>
        <text x={560} y={130} fontSize={12} fill="#b42318">compute-bound</text>
        <rect x={470} y={258} width={170} height={24} rx={4} fill="none" stroke="#b42318" strokeDasharray="4 3" />
        <text x={478} y={274} fontSize={12} fill="#b42318">overhead-bound: far below</text>
        <text x={560} y={312} fontSize={10} fill={grey}>sketch, not a measurement</text>
      </svg>
      <figcaption>Both processors are parallel; what differs is how many lanes they have and how fast memory feeds them. The roofline experiment below draws your own lanes&apos; roofs.</figcaption>
    </figure>
  );
}
