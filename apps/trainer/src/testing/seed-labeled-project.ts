/**
 * A project with synthetic images and one accepted mask (one lesion) per image, plus optional
 * unlabeled images, created through the fixture's web-equivalent paths.
 */
import type { TrainerTestFixture } from './trainer-test-fixture';

export interface SeededProject {
  id: string;
  slug: string;
  userId: string;
  labeled: { imageId: string; taskId: string }[];
  unlabeled: { imageId: string; taskId: string }[];
}

export async function seedLabeledProject(
  fixture: TrainerTestFixture,
  options: {
    masks: number;
    unlabeled?: number;
    seed?: number;
    project?: Parameters<TrainerTestFixture['createProject']>[0];
  },
): Promise<SeededProject> {
  const project = await fixture.createProject(options.project);
  const samples = fixture.syntheticImages(
    options.masks + (options.unlabeled ?? 0),
    options.seed ?? 3,
  );
  const labeled = [];
  const unlabeled = [];
  for (const [index, sample] of samples.entries()) {
    const added = await fixture.addImage(project.id, sample.image, sample.width, sample.height);
    if (index < options.masks) {
      await fixture.acceptMask(added.taskId, project.userId, sample.lesions[0] ?? sample.mask);
      labeled.push(added);
    } else unlabeled.push(added);
  }
  return { ...project, labeled, unlabeled };
}
