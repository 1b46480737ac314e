"use client";
import { rowsToCsv, type SaveState } from "../records";

function download(name: string, type: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ResultActions({ name, rows, json, saved }: { name: string; rows: Array<Record<string, unknown>>; json: unknown; saved: SaveState }) {
  return (
    <div className="result-actions">
      <button type="button" onClick={() => download(`${name}.csv`, "text/csv", rowsToCsv(rows))}>
        Export CSV
      </button>{" "}
      <button type="button" onClick={() => download(`${name}.json`, "application/json", JSON.stringify(json, null, 2))}>
        Export JSON
      </button>{" "}
      {saved.state === "saving" && <span>Saving…</span>}
      {saved.state === "saved" && (
        <a href={saved.url} className="permalink">
          Permalink to this result
        </a>
      )}
      {saved.state === "failed" && <span className="quiz-error">Not saved: {saved.message}</span>}
    </div>
  );
}
