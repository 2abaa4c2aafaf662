/**
 * Stops local mode when the process that started it is gone.
 *
 * `npm start` runs its script with `sh -c`; npm forwards SIGINT/SIGTERM only to that shell
 * (@npmcli/run-script's signal manager), and the shell does not pass them on. The start script
 * therefore `exec`s node, so npm's child is this process and gets the signal. If npm dies without
 * forwarding anything (SIGKILL, a crash), or a shell sits between them after all, the kernel
 * re-parents this process: a changed `process.ppid` means "the one who started me is gone", and local
 * mode stops the same way as on SIGTERM instead of keeping ports PORT…PORT+3 with nobody to stop it.
 */
export function onParentExit(callback: () => void, intervalMs = 200): () => void {
  const parent = process.ppid;
  // Started by init (a container's PID 1) or on a platform without re-parenting: nothing to watch.
  if (parent <= 1 || process.platform === 'win32') return () => {};
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      callback();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
