const ALT =
  "Diagram of a server with a dynamic batcher. On the left, a time line with requests arriving at irregular, random moments, some close together and some far apart. " +
  "They enter a queue of limited size; an arrival that finds the queue full is refused at once. On the right, the batcher takes the waiting requests as one batch " +
  "when it holds the maximum batch size, or when the oldest request has waited the maximum queue delay, whichever comes first, and the model computes the whole batch in one call. " +
  "Underneath: the latency of one request is its time in the queue plus the compute time of the batch it rode in. The diagram is a sketch, not a measurement.";

/** The mental model of the lesson: random arrivals, a bounded queue, a batcher with two triggers, one call per batch. */
export function ServingFigure() {
  const ink = "#1d1f21";
  const blue = "#0b5cad";
  const red = "#a1260d";
  const muted = "#55595e";
  // Arrival moments on the time line, irregular on purpose: Poisson arrivals bunch and leave gaps.
  const arrivals = [18, 30, 34, 62, 104, 110, 116, 121, 168, 200];
  return (
    <figure data-testid="serving-figure">
      <svg viewBox="0 0 640 300" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="sf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill={ink} />
          </marker>
        </defs>
        <text x={10} y={22} fontSize={14} fontWeight={700} fill={ink}>Requests arrive at random</text>
        <line x1={10} y1={70} x2={220} y2={70} stroke={muted} strokeWidth={1.5} markerEnd="url(#sf-arrow)" />
        {arrivals.map((x) => (
          <line key={x} x1={x} y1={52} x2={x} y2={70} stroke={blue} strokeWidth={3} />
        ))}
        <text x={10} y={90} fontSize={12} fill={muted}>time →  bunches and gaps, same average rate</text>

        <line x1={222} y1={62} x2={262} y2={62} stroke={ink} strokeWidth={1.5} markerEnd="url(#sf-arrow)" />
        <rect x={266} y={36} width={150} height={52} rx={6} fill="#f3f4f6" stroke={ink} />
        {[0, 1, 2, 3, 4].map((i) => (
          <rect key={i} x={276 + i * 26} y={48} width={20} height={28} rx={3} fill={blue} />
        ))}
        <text x={266} y={28} fontSize={13} fontWeight={700} fill={ink}>Queue (limited size)</text>
        <line x1={300} y1={92} x2={300} y2={132} stroke={red} strokeWidth={1.5} markerEnd="url(#sf-arrow)" />
        <text x={308} y={122} fontSize={12} fill={red}>queue full: refused at once</text>

        <line x1={418} y1={62} x2={458} y2={62} stroke={ink} strokeWidth={1.5} markerEnd="url(#sf-arrow)" />
        <rect x={462} y={30} width={168} height={66} rx={6} fill="#e6f0fb" stroke={blue} />
        <text x={472} y={52} fontSize={13} fontWeight={700} fill={ink}>Batcher + model</text>
        <text x={472} y={70} fontSize={11.5} fill={ink}>one call computes</text>
        <text x={472} y={86} fontSize={11.5} fill={ink}>the whole batch</text>

        <text x={10} y={172} fontSize={14} fontWeight={700} fill={ink}>A batch leaves the queue when either happens first:</text>
        <text x={24} y={196} fontSize={13} fill={ink}>1. it holds max batch requests (a busy server fills batches quickly), or</text>
        <text x={24} y={218} fontSize={13} fill={ink}>2. its oldest request has waited the max queue delay (a quiet server sends small batches).</text>

        <rect x={10} y={244} width={620} height={44} rx={6} fill="#fff4e2" stroke="#8a4b00" />
        <text x={22} y={271} fontSize={14} fill={ink}>
          latency of one request = time in the queue + compute time of the batch it rode in
        </text>
      </svg>
    </figure>
  );
}
