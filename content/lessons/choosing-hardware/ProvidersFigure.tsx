const ALT =
  "A diagram of one model running through ONNX Runtime. On the left, the model graph of six nodes. In the middle, the session holds a list of execution providers in the order the " +
  "program asked for them, for example CUDA first and CPU last. Each provider claims the nodes it has kernels for: four nodes go to the CUDA provider on the GPU, two nodes that it " +
  "cannot run fall back to the CPU provider. Arrows between the GPU and the CPU mark the copies of intermediate results that every such split adds to each call. " +
  "A note at the bottom says the device the GPU provider uses is chosen by the environment (CUDA_VISIBLE_DEVICES, a WebGPU adapter) before any node runs.";

/** Providers claim nodes in priority order; what none claims runs on the CPU, and every split adds copies. */
export function ProvidersFigure() {
  const ink = "#1d1f21";
  const gpu = "#0b5cad";
  const cpu = "#8a5a00";
  const node = (x: number, y: number, label: string, colour: string) => (
    <g key={`${x}-${y}`}>
      <rect x={x} y={y} width={70} height={30} rx={6} fill="#fff" stroke={colour} strokeWidth={2} />
      <text x={x + 35} y={y + 20} fontSize={12} textAnchor="middle" fill={ink}>
        {label}
      </text>
    </g>
  );
  return (
    <figure data-testid="providers-figure">
      <svg viewBox="0 0 640 360" role="img" aria-label={ALT} style={{ width: "100%", height: "auto", maxWidth: 640 }}>
        <title>{ALT}</title>
        <defs>
          <marker id="pf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill={ink} />
          </marker>
        </defs>
        <text x={20} y={24} fontSize={14} fontWeight={700} fill={ink}>
          Model graph
        </text>
        {node(20, 40, "MatMul", ink)}
        {node(20, 85, "Add", ink)}
        {node(20, 130, "Relu", ink)}
        {node(20, 175, "Custom op", ink)}
        {node(20, 220, "MatMul", ink)}
        {node(20, 265, "Softmax", ink)}
        <line x1={95} y1={160} x2={175} y2={160} stroke={ink} strokeWidth={2} markerEnd="url(#pf-arrow)" />
        <rect x={180} y={40} width={150} height={255} rx={8} fill="#f5f6f7" stroke={ink} />
        <text x={255} y={64} fontSize={13} fontWeight={700} textAnchor="middle" fill={ink}>
          Session
        </text>
        <text x={255} y={86} fontSize={12} textAnchor="middle" fill={ink}>
          providers, in order:
        </text>
        <text x={255} y={112} fontSize={13} textAnchor="middle" fill={gpu}>
          1. CUDA
        </text>
        <text x={255} y={134} fontSize={13} textAnchor="middle" fill={cpu}>
          2. CPU (always last)
        </text>
        <text x={255} y={170} fontSize={11} textAnchor="middle" fill={ink}>
          each claims the nodes
        </text>
        <text x={255} y={186} fontSize={11} textAnchor="middle" fill={ink}>
          it has kernels for;
        </text>
        <text x={255} y={202} fontSize={11} textAnchor="middle" fill={ink}>
          the rest fall to the CPU
        </text>
        <line x1={335} y1={110} x2={395} y2={95} stroke={gpu} strokeWidth={2} markerEnd="url(#pf-arrow)" />
        <line x1={335} y1={200} x2={395} y2={235} stroke={cpu} strokeWidth={2} markerEnd="url(#pf-arrow)" />
        <rect x={400} y={40} width={220} height={120} rx={8} fill="#e6f0fb" stroke={gpu} />
        <text x={510} y={60} fontSize={13} fontWeight={700} textAnchor="middle" fill={gpu}>
          GPU (CUDA provider)
        </text>
        {node(410, 72, "MatMul", gpu)}
        {node(540, 72, "Add", gpu)}
        {node(410, 115, "Relu", gpu)}
        {node(540, 115, "MatMul", gpu)}
        <rect x={400} y={200} width={220} height={90} rx={8} fill="#fdf3e1" stroke={cpu} />
        <text x={510} y={220} fontSize={13} fontWeight={700} textAnchor="middle" fill={cpu}>
          CPU (fallback)
        </text>
        {node(410, 235, "Custom op", cpu)}
        {node(540, 235, "Softmax", cpu)}
        <line x1={470} y1={162} x2={470} y2={198} stroke={ink} strokeWidth={1.5} markerEnd="url(#pf-arrow)" markerStart="url(#pf-arrow)" />
        <text x={480} y={186} fontSize={11} fill={ink}>
          copies every call
        </text>
        <text x={20} y={328} fontSize={12} fill={ink}>
          Which GPU the CUDA provider sees is settled before any node runs: CUDA_VISIBLE_DEVICES for CUDA,
        </text>
        <text x={20} y={346} fontSize={12} fill={ink}>
          the adapter the browser hands out for WebGPU. A provider that cannot load at all may fail or quietly give way to the CPU.
        </text>
      </svg>
    </figure>
  );
}
