/**
 * The lesson's mental model: what each int8 method changes on disk, in memory and in the
 * arithmetic. Inline SVG with a title and a description, so screen readers get the same picture.
 */
const rows = [
  {
    name: "Weight-only",
    disk: "int8 weights + scales",
    memory: "fp32 again (folded at load)",
    math: "fp32 MatMul / Conv",
    effect: "file ÷ 4, speed unchanged",
  },
  {
    name: "Dynamic",
    disk: "int8 weights + scales",
    memory: "int8 weights: ¼ of the bytes",
    math: "measure input range, quantize, int8 MatMul",
    effect: "fewer bytes per call, extra step per call",
  },
  {
    name: "Static",
    disk: "int8 weights + fixed activation scales",
    memory: "int8 weights and activations",
    math: "fused int8 ops (QLinearConv, QLinearMatMul)",
    effect: "needs calibration data that looks like real inputs",
  },
];

const col = [10, 130, 300, 470];
const widths = [112, 160, 160, 160];

export function QuantizationFigure() {
  return (
    <svg viewBox="0 0 640 300" role="img" aria-labelledby="quant-fig-title quant-fig-desc" style={{ width: "100%", height: "auto", maxWidth: 720 }}>
      <title id="quant-fig-title">What the three int8 methods change</title>
      <desc id="quant-fig-desc">
        A table-like diagram with three rows. Weight-only: the file stores int8 weights with scales, onnxruntime turns them back into fp32 when the session loads, and
        the arithmetic stays fp32, so the file is four times smaller and the speed is unchanged. Dynamic: int8 weights stay int8 in memory, so each call reads a
        quarter of the weight bytes, but every call first measures the input&apos;s range and quantizes it before an int8 matrix multiply. Static: the activation scales
        were fixed in advance from calibration data, so fused int8 operators run without a per-call range search, and quality depends on how well the calibration data
        matches real inputs. Along the top: every int8 value stands for scale times the integer minus a zero point.
      </desc>
      <text x="320" y="18" textAnchor="middle" fontSize="13" fontWeight="bold" fill="currentColor">
        real value ≈ scale × (int8 value − zero point)
      </text>
      {["Method", "On disk", "In memory", "Arithmetic per call"].map((label, i) => (
        <text key={label} x={col[i]! + 4} y="46" fontSize="12" fontWeight="bold" fill="currentColor">
          {label}
        </text>
      ))}
      {rows.map((row, r) => {
        const y = 58 + r * 80;
        return (
          <g key={row.name}>
            <text x={col[0]! + 4} y={y + 26} fontSize="13" fontWeight="bold" fill="currentColor">
              {row.name}
            </text>
            {[row.disk, row.memory, row.math].map((text, i) => (
              <g key={text}>
                <rect x={col[i + 1]} y={y} width={widths[i + 1]} height="44" rx="6" fill="none" stroke="currentColor" strokeOpacity="0.6" />
                <foreignObject x={col[i + 1]! + 4} y={y + 2} width={widths[i + 1]! - 8} height="40">
                  <div style={{ fontSize: 11, lineHeight: 1.25 }}>{text}</div>
                </foreignObject>
                {i < 2 && <path d={`M${col[i + 1]! + widths[i + 1]!} ${y + 22} h8`} stroke="currentColor" markerEnd="url(#quant-arrow)" />}
              </g>
            ))}
            <text x={col[1]} y={y + 62} fontSize="11" fontStyle="italic" fill="currentColor">
              → {row.effect}
            </text>
          </g>
        );
      })}
      <defs>
        <marker id="quant-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M0 0 L10 5 L0 10 z" fill="currentColor" />
        </marker>
      </defs>
    </svg>
  );
}
