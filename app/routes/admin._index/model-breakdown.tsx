/** Delivered clips and seconds per catalog model (ADR 0022), as a plain table. */
export function ModelBreakdown({
  rows,
}: {
  rows: readonly { model: string; clips: number; seconds: number }[];
}) {
  return (
    <section className="mt-8" aria-labelledby="by-model">
      <h2 id="by-model" className="mb-2 text-lg font-semibold">
        Clips by model
      </h2>
      {rows.length === 0 ? (
        <p className="text-sm text-stone-600">No clips yet.</p>
      ) : (
        <table className="w-full max-w-xl text-left text-sm" aria-labelledby="by-model">
          <thead>
            <tr className="border-b border-stone-300">
              <th className="py-1 pr-3">Model</th>
              <th className="py-1 pr-3 text-right">Clips</th>
              <th className="py-1 pr-3 text-right">Seconds</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.model} className="border-b border-stone-200">
                <td className="py-1 pr-3">{r.model}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{r.clips}</td>
                <td className="py-1 pr-3 text-right tabular-nums">{r.seconds}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
