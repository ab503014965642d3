/**
 * Image-level tags (weak labels): the two built-in lesion presence tags every project has, and the
 * rules for the tags an admin adds per project (Project.tagVocabulary). Written by the web server
 * (tags.apply, projects.updateTags) and the annotate page's tag mode; read by the dashboard and the
 * trainer ("absent" images train toward an empty mask).
 */
import { z } from 'zod';

export const PRESENT_TAG = 'present';
export const ABSENT_TAG = 'absent';
/** Lesion present / absent: built in, mutually exclusive, always first in a project's tag list. */
export const PRESENCE_TAGS = [PRESENT_TAG, ABSENT_TAG] as const;

/** Most tags one project may define (the tag mode gives each a digit key 3..9, then none). */
export const MAX_PROJECT_TAGS = 20;

/** One admin-defined tag: trimmed, lowercase, 1-40 characters, not a presence tag. */
export const projectTagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'a tag needs at least one character')
  .max(40, 'a tag has at most 40 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u, 'letters, digits, spaces, - and _ only')
  .refine(
    (tag) => !(PRESENCE_TAGS as readonly string[]).includes(tag),
    'present and absent are built in',
  );

/** A project's whole admin-defined list: no duplicates. */
export const projectTagListSchema = z
  .array(projectTagSchema)
  .max(MAX_PROJECT_TAGS)
  .refine((tags) => new Set(tags).size === tags.length, 'each tag only once');

/** Every tag an annotator may apply in this project: presence tags, then the admin's. */
export function projectTags(vocabulary: readonly string[]): string[] {
  return [
    ...PRESENCE_TAGS,
    ...vocabulary.filter((t) => !(PRESENCE_TAGS as readonly string[]).includes(t)),
  ];
}
