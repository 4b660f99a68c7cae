/** One status line on stderr: rewritten in place on a terminal, printed every 10 % otherwise (CI logs). */
export function createProgressLine(label: string) {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  return {
    update(loaded: number, total: number | undefined) {
      const percent = total ? Math.floor((loaded / total) * 100) : undefined;
      const text = `${label} ${formatBytes(loaded)}${total ? ` / ${formatBytes(total)} (${percent}%)` : ''}`;
      if (tty) {
        process.stderr.write(`\r${text}\u001b[K`);
      } else if (percent !== undefined && Math.floor(percent / 10) > lastDecile) {
        lastDecile = Math.floor(percent / 10);
        process.stderr.write(`${text}\n`);
      }
    },
    done(message: string) {
      process.stderr.write(`${tty ? '\r' : ''}${label} ${message}${tty ? '\u001b[K' : ''}\n`);
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
