// Command-line options shared by the benchmarks: `--name 5` or `--name=5`.

/** A positive whole number given as `--name N` or `--name=N`; the fallback when absent or wrong. */
export function numberArg(name: string, fallback: number) {
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  const i = process.argv.indexOf(`--${name}`);
  const raw = inline ? inline.split("=")[1] : i >= 0 ? process.argv[i + 1] : undefined;
  const n = Number(raw);
  return raw !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}
