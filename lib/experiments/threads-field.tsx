"use client";

/**
 * The server CPU lane's intra-op threads (1 … cores), for experiments that run
 * it; unset means all cores, the server's default. Other lanes ignore it.
 */
export function ServerThreadsField({ cores, value, onChange, disabled }: { cores: number | null; value: number | undefined; onChange: (threads: number | undefined) => void; disabled: boolean }) {
  if (!cores) return null;
  return (
    <label>
      Server CPU threads{" "}
      <select name="server-threads" value={value ?? ""} disabled={disabled} onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}>
        <option value="">all {cores}</option>
        {Array.from({ length: cores }, (_, i) => i + 1).map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
    </label>
  );
}
