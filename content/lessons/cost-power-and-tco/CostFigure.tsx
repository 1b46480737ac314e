/**
 * The lesson's mental model: an hour is paid for whole; only its busy part produces inferences.
 * Inline SVG with a title and description.
 */
export function CostFigure() {
  const busy = 0.4;
  const x0 = 40;
  const w = 560;
  return (
    <svg viewBox="0 0 640 230" role="img" aria-labelledby="cost-fig-title cost-fig-desc" style={{ width: "100%", height: "auto", maxWidth: 720 }}>
      <title id="cost-fig-title">Cost and energy per inference come from one hour divided by the inferences served in it</title>
      <desc id="cost-fig-desc">
        A bar stands for one hour of a machine. All of it is paid for at the hourly price, and all of it draws power. Only the shaded busy part serves inferences, at the
        throughput you measured. Cost per million inferences is the hourly price divided by the inferences served in the hour, times one million. Energy per inference
        is the busy power times the busy time plus the idle power times the idle time, divided by the inferences served. The less busy the machine, the more each
        inference pays for idle time.
      </desc>
      <text x={x0} y="22" fontSize="13" fontWeight="bold" fill="currentColor">
        One hour of one machine: paid for whole, powered whole
      </text>
      <rect x={x0} y="34" width={w} height="44" rx="4" fill="none" stroke="currentColor" />
      <rect x={x0} y="34" width={w * busy} height="44" rx="4" fill="currentColor" fillOpacity="0.25" />
      <text x={x0 + 8} y="61" fontSize="12" fill="currentColor">
        busy: serving requests
      </text>
      <text x={x0 + w * busy + 8} y="61" fontSize="12" fill="currentColor">
        idle: still billed, still powered
      </text>
      <text x={x0} y="100" fontSize="11" fill="currentColor">
        inferences in the hour = throughput × busy share × 3600 s
      </text>
      <rect x={x0} y="116" width={w} height="42" rx="6" fill="none" stroke="currentColor" strokeOpacity="0.6" />
      <text x={x0 + 10} y="142" fontSize="13" fill="currentColor">
        $ per million = price per hour ÷ inferences in the hour × 1,000,000
      </text>
      <rect x={x0} y="168" width={w} height="42" rx="6" fill="none" stroke="currentColor" strokeOpacity="0.6" />
      <text x={x0 + 10} y="194" fontSize="13" fill="currentColor">
        J per inference = (busy W × busy s + idle W × idle s) ÷ inferences in the hour
      </text>
    </svg>
  );
}
