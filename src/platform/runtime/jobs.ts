import type { Logger } from '../logging/logger.js';
import type { Job } from './service-module.js';

/** Runs each job on its timer, never two runs of one job at once in this process. */
export function startJobs(jobs: Job[], logger: Logger): { stop(): Promise<void> } {
  const running = new Set<Promise<void>>();
  const timers = jobs.map((job) => {
    let busy = false;
    return setInterval(() => {
      if (busy) return;
      busy = true;
      const run = job
        .run()
        .catch((err: unknown) => logger.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    }, job.everyMs);
  });
  return {
    stop: async () => {
      timers.forEach(clearInterval);
      await Promise.allSettled([...running]);
    },
  };
}
