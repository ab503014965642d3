import { z } from 'zod';
import { env } from '../../../env';
import { PROJECT_ROLES } from '../../../lib/roles';
import { trainingPolicyUpdateSchema } from '../../../lib/training-policy';
import { addMember } from '../../services/projects/add-member';
import { createProject } from '../../services/projects/create-project';
import { getProject } from '../../services/projects/get-project';
import { listMembers } from '../../services/projects/list-members';
import { listProjects } from '../../services/projects/list-projects';
import { updateProjectTags } from '../../services/projects/update-project-tags';
import { getTrainingPolicy, updateTrainingPolicy } from '../../services/projects/training-policy';
import {
  adminProcedure,
  annotatorProcedure,
  authedProcedure,
  createTRPCRouter,
  siteAdminProcedure,
} from '../trpc';

export const projectsRouter = createTRPCRouter({
  list: authedProcedure.query(({ ctx }) => listProjects(ctx.db, ctx.user.id)),

  create: siteAdminProcedure
    .input(
      z.object({
        name: z.string().trim().min(2).max(120),
        description: z.string().trim().max(2000).default(''),
        objectLabel: z.string().trim().min(1).max(60).default('lesion'),
      }),
    )
    .mutation(({ ctx, input }) =>
      createProject({ db: ctx.db, stores: ctx.stores }, ctx.user.id, input, env.starterModelDir),
    ),

  get: annotatorProcedure.query(({ ctx }) => getProject(ctx.db, ctx.projectId)),

  members: adminProcedure.query(({ ctx }) => listMembers(ctx.db, ctx.projectId)),

  addMember: adminProcedure
    .input(z.object({ email: z.string().trim().min(3).max(320), role: z.enum(PROJECT_ROLES) }))
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.projectId, input)),

  /** The project's own image tags (tag mode), besides the built-in 'present' and 'absent'. */
  updateTags: adminProcedure
    .input(z.object({ tags: z.array(z.string().max(60)).max(40) }))
    .mutation(({ ctx, input }) => updateProjectTags(ctx.db, ctx.projectId, input.tags)),

  /** When and how the trainer trains this project (the trainer reads it on every tick). */
  trainingPolicy: adminProcedure.query(({ ctx }) => getTrainingPolicy(ctx.db, ctx.projectId)),

  updateTrainingPolicy: adminProcedure
    .input(z.object({ policy: trainingPolicyUpdateSchema }))
    .mutation(({ ctx, input }) => updateTrainingPolicy(ctx.db, ctx.projectId, input.policy)),
});
