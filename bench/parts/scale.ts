/**
 * Scale bench (issue 18, "more than one machine's worth"): two web servers and two trainers, each
 * its own process, on one Postgres and one shared data folder (bench/scale/two-of-each.ts): save
 * throughput through one server vs both, score-job throughput with one trainer vs two, lease,
 * save and job-claim correctness across processes, and the hot swap of a promoted model on a page
 * of each server. Postgres only: the embedded database is one process's (see ARCHITECTURE.md).
 *
 *   npm run bench:scale [-- --quick]
 */
import { cpus, loadavg } from 'node:os';
import type { BenchOptions } from '../run';
import { measureTwoOfEach } from '../scale/two-of-each';

export async function runScaleBench(options: BenchOptions): Promise<Record<string, unknown>> {
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  const result = await measureTwoOfEach(
    options.quick
      ? {
          annotators: 20,
          savesPerAnnotator: 3,
          jobsPerPhase: 4,
          imagesPerJobProject: 6,
          trainingJobsPerPhase: 4,
          masksPerTrainingProject: 8,
        }
      : {
          annotators: 40,
          savesPerAnnotator: 5,
          jobsPerPhase: 8,
          imagesPerJobProject: 12,
          trainingJobsPerPhase: 8,
          masksPerTrainingProject: 16,
        },
  );
  const loadAverageAtEnd = Math.round((loadavg()[0] ?? 0) * 10) / 10;
  return {
    ...result,
    loadAverageAtStart,
    loadAverageAtEnd,
    notes: `All processes share this ${cpus().length}-core machine (1-min load average ${loadAverageAtStart} at start, ${loadAverageAtEnd} at end), so a second server or trainer adds processes, not cores: the speedups show what the design allows (no lock or queue serializes them), not what a second machine would add. saves: every annotator leases a task, saves back to back (no think time) and submits it, through server 1 (oneServer), then again with half of them on server 2 (twoServers); tasksLeasedTwice (to two different annotators) and tasksWhoseRevisionIsNotTheirSaveCount (revision = saves + the submit) must be 0 and savesStored = savesSucceeded. jobs: score jobs over two projects (queued in blocks) with trainer 1 alone, then with trainer 2 beside it, each phase after untimed warm-up jobs; jobsClaimedByBoth (from the workers' own logs) must be 0; projectsByTrainer: how many of the two projects each trainer took jobs from. training: the same with 'finetune' jobs (real fine-tuning rounds of the trainer's tiny config on accepted masks, 1 epoch, gate and registration included) over two more projects, alternating; the one-trainer phase runs before the second trainer starts; a claim holds one training job per project (libs/db claimNextJob), so roundsOverlappingInAProject (TrainingRun startedAt-finishedAt spans of one project that overlap, over every round of the run) must be 0. hotSwap: from the promotion (trainer CLI, its own process; ModelVersion.promotedAt) to each server's page (model-events stream + the browser worker's loader, in Node) running the new version. hotSwap.chromium: the same promotion seen by the real annotate page in headless Chromium, one page per server (another annotator on each, signed in with the bench's session cookie), each opened before the promotion and waited for until its worker reported a model ready (window.__loupe modelStatus 'ready'; pageReadyMs, within readyTimeoutMs, scaled by the load per core); hotSwapMs = the page's own swap time (window.__loupe.swaps) minus promotedAt. Both kinds of page run at once, so each slows the other a little; when a Chromium page is not ready in time, hotSwap.chromium.error says what it showed.`,
  };
}
