const ALT =
  "Two timelines compared. Top, pipelining as on an assembly line: three stages work at the same time on different items; item 1 is in stage 3 while item 2 is in stage 2 " +
  "and item 3 in stage 1, and each item leaves as soon as its own last stage is done, one item per stage time. Bottom, batching as on a bus: items 1 to 4 wait at the stop " +
  "until the batch is full, then all four go through the whole model together as one block of work and all four leave at the same moment, at the end of the block.";

const STAGE = 70;

/** Pipelining (stages overlap on different items) against batching (items wait, then move together). */
export function PipelineFigure() {
  const ink = "#1d1f21";
  const colours = ["#0b5cad", "#1b6e33", "#8a4b00", "#6b3fa0"];
  const stageBox = (item: number, stage: number) => (
    <g key={`p${item}-${stage}`}>
      <rect x={120 + (item + stage) * STAGE} y={40 + stage * 26} width={STAGE - 4} height={22} rx={3} fill={colours[item]} opacity={0.85} />
      <text x={126 + (item + stage) * STAGE} y={56 + stage * 26} fontSize={11} fill="#fff">
        item {item + 1}
      </text>
    </g>
  );
  return (
    <figure data-testid="pipeline-figure">
      <svg viewBox="0 0 640 290" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <text x={10} y={24} fontSize={14} fontWeight={700} fill={ink}>Pipelining (an assembly line)</text>
        {[0, 1, 2].map((stage) => (
          <text key={`s${stage}`} x={20} y={56 + stage * 26} fontSize={12} fill={ink}>
            stage {stage + 1}
          </text>
        ))}
        {[0, 1, 2, 3].flatMap((item) => [0, 1, 2].map((stage) => stageBox(item, stage)))}
        <text x={120} y={135} fontSize={12} fill="#55595e">each item leaves as soon as its last stage ends: one every stage time</text>

        <text x={10} y={170} fontSize={14} fontWeight={700} fill={ink}>Batching (a bus)</text>
        {[0, 1, 2, 3].map((item) => (
          <g key={`w${item}`}>
            <rect x={120 + item * 40} y={184 + item * 14} width={260 - item * 40} height={10} rx={2} fill={colours[item]} opacity={0.3} />
            <text x={20} y={193 + item * 14} fontSize={11} fill={ink}>
              item {item + 1} waits
            </text>
          </g>
        ))}
        <rect x={380} y={184} width={200} height={52} rx={4} fill="#55595e" opacity={0.85} />
        <text x={392} y={206} fontSize={12} fill="#fff">batch of 4, whole model,</text>
        <text x={392} y={222} fontSize={12} fill="#fff">one block of work</text>
        <line x1={580} y1={178} x2={580} y2={246} stroke="#b42318" strokeWidth={2} />
        <text x={430} y={264} fontSize={12} fill="#b42318">all four leave together</text>
        <text x={10} y={284} fontSize={11} fill="#55595e">time →  (a sketch: widths are not measurements)</text>
      </svg>
      <figcaption>
        An assembly line overlaps different steps of different items. A batch does one step for many items at once, and every item in it waits for the whole batch.
      </figcaption>
    </figure>
  );
}
