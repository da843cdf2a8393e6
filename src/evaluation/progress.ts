/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

const SILENT: Progress = { tick() {}, done() {} };

export function createProgress(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total <= 0) return SILENT;
  let n = 0;
  let last = 0;
  const draw = () => {
    const share = Math.min(1, n / total);
    const width = 30;
    const filled = Math.round(share * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${(share * 100).toFixed(0)}%`);
  };
  return {
    tick(k = 1) {
      n += k;
      const now = Date.now();
      // Redrawing on every row would cost more than the replay itself.
      if (now - last > 100 || n >= total) {
        last = now;
        draw();
      }
    },
    done() {
      draw();
      stream.write('\n');
    },
  };
}
